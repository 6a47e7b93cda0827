import type { GroupImportReport } from '@avisa/contracts';
import { reportLineText } from '../../core/api-error';

export type ImportProblemKey =
  'emptyName' | 'nameTooLong' | 'repeatedGroup' | 'noMembers' | 'repeatedMember' | 'badMember';

/** A report line: its short preview wording (`groups.import.problems.*`) where there is one, else its text. */
export interface ImportProblem {
  key: ImportProblemKey | null;
  params: Record<string, string | number>;
  message: string;
}

export interface ImportLine {
  line: number;
  /** The group on that line as it would be stored; empty for a line that holds none (an empty name). */
  name: string;
  members: string[];
  problems: ImportProblem[];
}

/** The short wording of the preview table, where the row already shows the group; by the report line's code. */
const PREVIEW_KEYS: Record<string, ImportProblemKey> = {
  'group.name_empty': 'emptyName',
  'group.name_too_long': 'nameTooLong',
  'group.repeated': 'repeatedGroup',
  'group.no_members': 'noMembers',
  'group.member_twice': 'repeatedMember',
  'group.member_invalid': 'badMember',
};

export function toImportProblem(problem: GroupImportReport['errors'][number]): ImportProblem {
  const key = PREVIEW_KEYS[problem.code] ?? null;
  const params = Object.fromEntries(
    Object.entries(problem.params ?? {}).filter((e): e is [string, string | number] => typeof e[1] !== 'object'),
  );
  return { key, params, message: reportLineText(problem) };
}

/** Every line of the server's dry run: each group with its members, and the errors of that line, in line order. */
export function previewLines(report: GroupImportReport): ImportLine[] {
  const lines = new Map<number, ImportLine>();
  for (const g of report.preview ?? []) lines.set(g.line, { ...g, name: g.displayName ?? g.name, problems: [] });
  for (const e of report.errors) {
    const line = lines.get(e.line) ?? { line: e.line, name: '', members: [], problems: [] };
    line.problems.push(toImportProblem(e));
    lines.set(e.line, line);
  }
  return [...lines.values()].sort((a, b) => a.line - b.line);
}
