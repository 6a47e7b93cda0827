import type { BulkSiteProblem, SiteCsvColumn, SiteProblemCode } from '@avisa/contracts';

/**
 * A problem of one line of a bulk-sites file, by kind, for translation (`manageSites.bulk.problems.*`; a problem of
 * one column: `siteInfo.problems.<code>` after `siteInfo.bulk.lineField`).
 */
export type BulkProblem =
  | { line: number; kind: 'invalid'; name: string }
  | { line: number; kind: 'duplicate'; name: string; other: number }
  | { line: number; kind: 'exists'; name: string }
  | {
      line: number;
      kind: 'field';
      field: SiteCsvColumn | null;
      code: SiteProblemCode;
      params: Record<string, string | number>;
    }
  | { line: number; kind: 'other'; text: string };

/** One problem of the server's report: by its code when it has one, else read from its English message. */
export function fromReport(problem: Pick<BulkSiteProblem, 'line' | 'message'> & Partial<BulkSiteProblem>): BulkProblem {
  const { line, code, params = {}, field = null } = problem;
  switch (code) {
    case undefined:
      return toBulkProblem(line, problem.message);
    case 'invalidName':
      return { line, kind: 'invalid', name: String(params['name'] ?? '') };
    case 'repeatedName':
      return { line, kind: 'duplicate', name: String(params['name'] ?? ''), other: Number(params['other']) };
    case 'exists':
      return { line, kind: 'exists', name: String(params['name'] ?? '') };
    default:
      return { line, kind: 'field', field, code, params };
  }
}

/** The report of a refused file (`report.errors` of the 400), or null when the answer holds none. */
export function reportProblems(report: unknown): BulkProblem[] | null {
  const errors = (report as { errors?: unknown } | null | undefined)?.errors;
  return Array.isArray(errors) && errors.length ? (errors as BulkSiteProblem[]).map(fromReport) : null;
}

const REFUSED = /^nothing was created:\s*/;

/** One of the server's line messages (`line 2: site "x" already exists`) as a problem to translate. */
export function toBulkProblem(line: number, message: string): BulkProblem {
  let m = /^line \d+: "(.*)" is not a valid site name/s.exec(message);
  if (m) return { line, kind: 'invalid', name: m[1] };
  m = /^line \d+: site "(.*)" is already listed on line (\d+)/s.exec(message);
  if (m) return { line, kind: 'duplicate', name: m[1], other: Number(m[2]) };
  m = /^line \d+: site "(.*)" already exists/s.exec(message);
  if (m) return { line, kind: 'exists', name: m[1] };
  return { line, kind: 'other', text: message.replace(/^line \d+:\s*/, '') };
}

/** The server's refusal ("nothing was created: line 2: …; line 5: …") as one problem per line, or null. */
export function parseBulkRefusal(message: string): BulkProblem[] | null {
  if (!REFUSED.test(message)) return null;
  return message
    .replace(REFUSED, '')
    .split(/;\s*(?=line \d+:)/)
    .map((item) => toBulkProblem(Number(/^line (\d+):/.exec(item)?.[1] ?? 0), item));
}
