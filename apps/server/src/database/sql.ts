import type { DataSource } from 'typeorm';
import { paddedInValues } from './batches';

/** SQL text placed as written: table and column names from the code, never a value from a request. */
class Verbatim {
  constructor(readonly text: string) {}
}

/** Values of an `IN (…)` list, padded to a power of two so a few statement shapes serve every length. */
class ValueList {
  constructor(readonly values: readonly unknown[]) {}
}

/** Rows of a `VALUES` list, padded to a power of two like `ValueList`. */
class RowList {
  constructor(readonly rows: readonly (readonly unknown[])[]) {}
}

/** Part of a statement, its values not yet bound: placed into a statement, it is numbered with the rest. */
export class Fragment {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

export const verbatim = (text: string): Verbatim => new Verbatim(text);
export const inList = (values: readonly unknown[]): ValueList => new ValueList(values);
/**
 * `FROM (VALUES ${inRows(pairs)}) v CROSS JOIN …`: the rows as `(?, ?), (?, ?)`, their columns `column1`, `column2`
 * (CROSS JOIN keeps them outside on SQLite: docs/architecture.md, "Layers inside a module").
 */
export const inRows = (rows: readonly (readonly unknown[])[]): RowList => new RowList(rows);
export const fragment = (strings: TemplateStringsArray, ...values: unknown[]): Fragment =>
  new Fragment(strings, values);

export interface Statement {
  text: string;
  params: unknown[];
}

/**
 * The one way to write a statement by hand: a tagged template whose values become bound parameters, numbered
 * for the dialect (`?` on SQLite, `$1…` on PostgreSQL), so nobody counts placeholders. The same template with
 * lists of the same padded length always gives the same text, so each shape is prepared once and stays in the
 * statement cache.
 *
 *     sql.statement`UPDATE deliveries SET state = ${state} WHERE id IN (${inList(ids)})`
 */
export class Sql {
  constructor(private readonly numbered: boolean) {}

  static for(dataSource: DataSource): Sql {
    return new Sql(dataSource.options.type === 'postgres');
  }

  statement(strings: TemplateStringsArray, ...values: unknown[]): Statement {
    const params: unknown[] = [];
    const bind = (value: unknown) => {
      params.push(value);
      return this.numbered ? `$${params.length}` : '?';
    };
    const render = (parts: readonly string[], parameters: readonly unknown[]): string => {
      let text = parts[0];
      parameters.forEach((value, i) => {
        if (value instanceof Verbatim) text += value.text;
        else if (value instanceof ValueList) text += paddedInValues(value.values).map(bind).join(', ');
        else if (value instanceof RowList) {
          text += paddedInValues(value.rows)
            .map((row) => `(${row.map(bind).join(', ')})`)
            .join(', ');
        } else if (value instanceof Fragment) text += render(value.strings, value.values);
        else text += bind(value);
        text += parts[i + 1];
      });
      return text;
    };
    return { text: render(strings, values), params };
  }
}
