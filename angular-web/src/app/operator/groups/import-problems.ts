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

/** The report's errors gathered by line, in line order. */
export function problemLines(report: GroupImportReport): ImportLine[] {
  const lines = new Map<number, ImportProblem[]>();
  for (const e of report.errors) lines.set(e.line, [...(lines.get(e.line) ?? []), toImportProblem(e.message)]);
  return [...lines].sort(([a], [b]) => a - b).map(([line, problems]) => ({ line, problems }));
}
