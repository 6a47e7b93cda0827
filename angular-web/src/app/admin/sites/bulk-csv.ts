import { nameProblem, normalizeName } from '../shared/names';

export interface BulkRow {
  line: number;
  name: string;
  displayName: string;
}

export type BulkProblem =
  | { line: number; kind: 'invalid'; name: string }
  | { line: number; kind: 'duplicate'; name: string; other: number }
  | { line: number; kind: 'exists'; name: string }
  | { line: number; kind: 'other'; text: string };

/**
 * Reads the provisioning CSV the way the server does (`name[,display name]`, `,` or `;`, quotes, optional
 * `name`/`nombre` header, blank lines skipped), numbering lines as in the file.
 */
export function parseBulkCsv(text: string): BulkRow[] {
  const rows: BulkRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let first = true;
  lines.forEach((raw, index) => {
    if (!raw.trim()) return;
    const [name = '', displayName = ''] = splitFields(raw).map((f) => f.trim());
    if (first && /^(name|nombre)$/i.test(name)) {
      first = false;
      return;
    }
    first = false;
    rows.push({ line: index + 1, name, displayName });
  });
  return rows;
}

function splitFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (c === '"') quoted = false;
      else current += c;
    } else if (c === '"' && !current.trim()) {
      quoted = true;
      current = '';
    } else if (c === ',' || c === ';') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields;
}

/** What the server would refuse, found before sending: bad names, names listed twice, sites that exist. */
export function checkBulkRows(rows: BulkRow[], existing: ReadonlySet<string>): BulkProblem[] {
  const problems: BulkProblem[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const name = normalizeName(row.name);
    if (nameProblem(row.name)) problems.push({ line: row.line, kind: 'invalid', name: row.name });
    else if (seen.has(name)) problems.push({ line: row.line, kind: 'duplicate', name, other: seen.get(name)! });
    else {
      seen.set(name, row.line);
      if (existing.has(name)) problems.push({ line: row.line, kind: 'exists', name });
    }
  }
  return problems;
}

const REFUSED = /^nothing was created:\s*/;

/** The server's refusal ("nothing was created: line 2: …; line 5: …") as one problem per line, or null. */
export function parseBulkRefusal(message: string): BulkProblem[] | null {
  if (!REFUSED.test(message)) return null;
  return message
    .replace(REFUSED, '')
    .split(/;\s*(?=line \d+:)/)
    .map((item): BulkProblem => {
      let m = /^line (\d+): "(.*)" is not a valid site name/s.exec(item);
      if (m) return { line: Number(m[1]), kind: 'invalid', name: m[2] };
      m = /^line (\d+): site "(.*)" is already listed on line (\d+)/s.exec(item);
      if (m) return { line: Number(m[1]), kind: 'duplicate', name: m[2], other: Number(m[3]) };
      m = /^line (\d+): site "(.*)" already exists/s.exec(item);
      if (m) return { line: Number(m[1]), kind: 'exists', name: m[2] };
      m = /^line (\d+):\s*(.*)$/s.exec(item);
      return { line: m ? Number(m[1]) : 0, kind: 'other', text: m ? m[2] : item };
    });
}
