import { type GroupImportReport, NAME_PROBLEM_TEXT } from '@avisa/contracts';

export type ImportProblemKey =
  'emptyName' | 'nameTooLong' | 'repeatedGroup' | 'noMembers' | 'repeatedMember' | 'badMember';

/** One of the server's import messages, with a translation key (`groups.import.problems.*`) where there is one. */
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

const NAME_TEXTS = Object.values(NAME_PROBLEM_TEXT).map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const RULES: [RegExp, ImportProblemKey, (m: RegExpExecArray) => Record<string, string | number>][] = [
  [/^the group name is empty$/, 'emptyName', () => ({})],
  [/^group name ".*" is longer than (\d+) characters$/s, 'nameTooLong', (m) => ({ max: Number(m[1]) })],
  [/^group ".*" also appears on line (\d+)$/s, 'repeatedGroup', (m) => ({ line: Number(m[1]) })],
  [/^group ".*" has no members$/s, 'noMembers', () => ({})],
  [/^member "(.*)" is listed twice in group ".*"$/s, 'repeatedMember', (m) => ({ member: m[1] })],
  [new RegExp(`^member "(.*)" (?:${NAME_TEXTS.join('|')})$`, 's'), 'badMember', (m) => ({ member: m[1] })],
];

export function toImportProblem(message: string): ImportProblem {
  for (const [pattern, key, params] of RULES) {
    const m = pattern.exec(message);
    if (m) return { key, params: params(m), message };
  }
  return { key: null, params: {}, message };
}

/** Every line of the server's dry run: each group with its members, and the errors of that line, in line order. */
export function previewLines(report: GroupImportReport): ImportLine[] {
  const lines = new Map<number, ImportLine>();
  for (const g of report.preview ?? []) lines.set(g.line, { ...g, name: g.displayName ?? g.name, problems: [] });
  for (const e of report.errors) {
    const line = lines.get(e.line) ?? { line: e.line, name: '', members: [], problems: [] };
    line.problems.push(toImportProblem(e.message));
    lines.set(e.line, line);
  }
  return [...lines.values()].sort((a, b) => a.line - b.line);
}
