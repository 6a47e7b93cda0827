/** A problem of one line of a bulk-sites file, by kind, for translation (`manageSites.bulk.problems.*`). */
export type BulkProblem =
  | { line: number; kind: 'invalid'; name: string }
  | { line: number; kind: 'duplicate'; name: string; other: number }
  | { line: number; kind: 'exists'; name: string }
  | { line: number; kind: 'other'; text: string };

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
