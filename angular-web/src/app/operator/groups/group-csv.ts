import { nameProblem, normalizeName as normalizeSiteName } from '@avisa/contracts';

/** Same rule as the server: "  Zona   NORTE " and "zona norte" are one group. Members are site names. */
export function normalizeName(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

export const NAME_MAX = 128;

const HEADER = /^(group|grupo|group_name|nombre_grupo|name|nombre)$/i;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A problem the preview spotted; `key` and `params` are for translation (`groups.import.problems.*`). */
export interface PreviewProblem {
  key: 'emptyName' | 'nameTooLong' | 'repeatedGroup' | 'noMembers' | 'repeatedMember' | 'badMember';
  params: Record<string, string | number>;
}

export interface PreviewRow {
  line: number;
  name: string;
  members: string[];
  problems: PreviewProblem[];
}

export interface CsvPreview {
  rows: PreviewRow[];
  /** Set when the file cannot be read as CSV at all: the server refuses the whole file then. */
  malformedLine: number | null;
  headerSkipped: boolean;
}

interface RawRecord {
  cells: string[];
  /** The line the record ends on, 1-based (a quoted cell may span lines). */
  line: number;
}

class MalformedCsv extends Error {
  constructor(readonly line: number) {
    super(`malformed CSV at line ${line}`);
  }
}

const isDelimiter = (c: string | undefined) => c === ',' || c === ';';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * Reads CSV the way the server's parser is configured: `,` or `;`, optional BOM, CRLF or LF, quoted cells with ""
 * escapes, cells trimmed, blank lines skipped. A preview only — the server's answer is what counts.
 */
function readRecords(text: string): RawRecord[] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: RawRecord[] = [];
  let line = 1;
  let i = 0;
  const atLineEnd = () => i >= src.length || src[i] === '\n' || src[i] === '\r';
  const skipLineEnd = () => {
    if (src[i] === '\r' && src[i + 1] === '\n') i += 2;
    else i += 1;
    line += 1;
  };

  while (i < src.length) {
    const cells: string[] = [];
    for (;;) {
      while (isSpace(src[i])) i++;
      let cell = '';
      if (src[i] === '"') {
        i++;
        for (;;) {
          if (i >= src.length) throw new MalformedCsv(line);
          if (src[i] === '"') {
            if (src[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (src[i] === '\n' || (src[i] === '\r' && src[i + 1] !== '\n')) line++;
          cell += src[i++];
        }
        while (isSpace(src[i])) i++;
        if (!atLineEnd() && !isDelimiter(src[i])) throw new MalformedCsv(line);
      } else {
        while (!atLineEnd() && !isDelimiter(src[i])) {
          if (src[i] === '"') throw new MalformedCsv(line);
          cell += src[i++];
        }
        cell = cell.trim();
      }
      cells.push(cell);
      if (isDelimiter(src[i])) {
        i++;
        continue;
      }
      break;
    }
    const recordLine = line;
    if (i < src.length) skipLineEnd();
    const blank = cells.length === 1 && cells[0] === '';
    if (!blank) records.push({ cells, line: recordLine });
  }
  return records;
}

function restoreFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** Parses a groups CSV (`group,member1,member2,…`) into the rows the import would create, with the problems seen. */
export function previewGroupsCsv(text: string): CsvPreview {
  let records: RawRecord[];
  try {
    records = readRecords(text);
  } catch (error) {
    if (error instanceof MalformedCsv) return { rows: [], malformedLine: error.line, headerSkipped: false };
    throw error;
  }
  const headerSkipped = HEADER.test(records[0]?.cells[0] ?? '');
  const seen = new Map<string, number>();
  const rows = (headerSkipped ? records.slice(1) : records).map(({ cells, line }): PreviewRow => {
    const restored = cells.map(restoreFormula);
    const name = normalizeName(restored[0] ?? '');
    const listed = restored.slice(1).map(normalizeSiteName).filter(Boolean);
    const problems: PreviewProblem[] = [];
    if (!name) return { line, name, members: listed, problems: [{ key: 'emptyName', params: {} }] };
    if (name.length > NAME_MAX) problems.push({ key: 'nameTooLong', params: { max: NAME_MAX } });
    const firstLine = seen.get(name);
    if (firstLine !== undefined) problems.push({ key: 'repeatedGroup', params: { line: firstLine } });
    else seen.set(name, line);
    if (!listed.length) problems.push({ key: 'noMembers', params: {} });
    for (const member of new Set(listed.filter((m, index) => listed.indexOf(m) !== index))) {
      problems.push({ key: 'repeatedMember', params: { member } });
    }
    for (const member of new Set(listed.filter((m) => nameProblem(m)))) {
      problems.push({ key: 'badMember', params: { member } });
    }
    return { line, name, members: [...new Set(listed)], problems };
  });
  return { rows, malformedLine: null, headerSkipped };
}
