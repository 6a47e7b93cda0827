export interface ReceiverResponse {
  id: number;
  name: string;
  displayName: string;
  enabled: boolean;
  online: boolean;
  connectedSince: string | null;
  lastSeenAt: string | null;
  clientVersion: string | null;
  /** The address the receiver is connected from (IP), while online. */
  address: string | null;
  createdAt: string;
  /** What a support team needs to reach the site; admins edit it, operators read it. */
  postalAddress: string | null;
  phone: string | null;
  region: string | null;
  tags: string[];
  notes: string | null;
}

/** Returned once, when a receiver is created or its key rotated: the key is never shown again. */
export interface ReceiverWithKeyResponse extends ReceiverResponse {
  key: string;
}

/** A site's support details; on update, an empty string (or an empty list) clears the field. */
export interface SiteDetails {
  postalAddress?: string;
  phone?: string;
  region?: string;
  tags?: string[];
  notes?: string;
}

export interface CreateReceiverRequest extends SiteDetails {
  name: string;
  displayName?: string;
}

export interface UpdateReceiverRequest extends SiteDetails {
  displayName?: string;
  enabled?: boolean;
}

/** Limits of the support details: one rule for the API, the CSV import and the web form. */
export const SITE_DETAIL_LIMITS = {
  postalAddress: 200,
  phone: 32,
  region: 64,
  tag: 32,
  tags: 20,
  notes: 2000,
} as const;

/** Digits, spaces and + ( ) - . / only, with at least one digit: "+34 912 345 678", "(91) 234-56-78 ext. 2" is not. */
export const PHONE_PATTERN = /^(?=.*\d)[0-9+()\-./ ]+$/;

/** Tags are separated by `|`, `,` or `;` in a CSV cell (and in the web form), so a tag holds none of them. */
export const TAG_SEPARATORS = /[|,;]/;

/** Trimmed, inner runs of spaces folded, empty ones dropped, the same tag (ignoring case) kept once. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim().replace(/\s+/g, ' ');
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase());
      out.push(tag);
    }
  }
  return out;
}

export function splitTags(cell: string): string[] {
  return normalizeTags(cell.split(TAG_SEPARATORS));
}

/** What the sites lists filter by: free text, a region and a tag; every part is matched ignoring case. */
export interface SiteFilter {
  q?: string;
  region?: string;
  tag?: string;
}

type SiteFields = Pick<
  ReceiverResponse,
  'name' | 'displayName' | 'postalAddress' | 'phone' | 'region' | 'tags' | 'notes'
>;

/**
 * The one search rule of the sites lists (server and web app): the text is found in the name, display name,
 * address, phone (also ignoring its spaces and dashes), region, a tag or the notes; region and tag match whole.
 */
export function siteMatches(site: SiteFields, filter: SiteFilter): boolean {
  const region = filter.region?.trim().toLowerCase();
  if (region && (site.region ?? '').toLowerCase() !== region) return false;
  const tag = filter.tag?.trim().toLowerCase();
  if (tag && !site.tags.some((t) => t.toLowerCase() === tag)) return false;
  const q = filter.q?.trim().toLowerCase();
  if (!q) return true;
  const texts = [site.name, site.displayName, site.postalAddress, site.phone, site.region, site.notes, ...site.tags];
  if (texts.some((t) => t?.toLowerCase().includes(q))) return true;
  const digits = q.replace(/[^0-9+]/g, '');
  return digits.length >= 3 && !!site.phone && site.phone.replace(/[^0-9+]/g, '').includes(digits);
}

/** The columns of the sites CSV (import and export), in their order; a file with a header may give any subset. */
export const SITE_CSV_COLUMNS = ['name', 'displayName', 'address', 'phone', 'region', 'tags', 'notes'] as const;
export type SiteCsvColumn = (typeof SITE_CSV_COLUMNS)[number];

export interface ReceiverConnectionResponse {
  id: number;
  address: string | null;
  clientVersion: string | null;
  connectedAt: string;
  disconnectedAt: string | null;
  endReason: string | null;
}

/** The answer of `POST /receivers/bulk?dryRun=true`: what the file would create, and every problem by line. */
export interface BulkSitesReport {
  sites: ({ line: number; name: string; displayName: string } & SiteDetails)[];
  /** Every problem of the file: its line (1 is the first line, the header if any), the column, what is wrong. */
  errors: BulkSiteProblem[];
}

export interface BulkSiteProblem extends SiteProblem {
  line: number;
  /** The column at fault (`name`, `phone`, …), or null for the line as a whole. */
  field: SiteCsvColumn | null;
  /** In English, for scripts: `line 3: phone may contain only digits…`. */
  message: string;
}

export type SiteDetailField = keyof SiteDetails;
export const SITE_DETAIL_FIELDS: readonly SiteDetailField[] = ['postalAddress', 'phone', 'region', 'tags', 'notes'];

// Control characters are what these patterns refuse.
// eslint-disable-next-line no-control-regex
const ONE_LINE = /^[^\u0000-\u001f\u007f]*$/;
// eslint-disable-next-line no-control-regex
const MULTI_LINE = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/** Why a support detail (or a line of the sites CSV) is refused, for the web app to translate with its params. */
export type SiteProblemCode =
  | 'notText'
  | 'notList'
  | 'tooLong'
  | 'controlCharacters'
  | 'phoneCharacters'
  | 'tooManyTags'
  | 'tagTooLong'
  | 'tagSeparator'
  | 'invalidName'
  | 'repeatedName'
  | 'exists'
  | 'unknownColumn'
  | 'repeatedColumn'
  | 'extraCells'
  | 'unreadable';

export interface SiteProblem {
  code: SiteProblemCode;
  params: Record<string, string | number>;
}

/** The English text of each problem, after the field's name; scripts read it in `message`. */
export const SITE_PROBLEM_TEXT: Record<SiteProblemCode, (p: Record<string, string | number>) => string> = {
  notText: () => 'must be a string',
  notList: () => 'must be a list of tags',
  tooLong: (p) => `must be at most ${p['max']} characters long`,
  controlCharacters: () => 'may not contain control characters',
  phoneCharacters: () => 'may contain only digits, spaces and + ( ) - . / (with at least one digit)',
  tooManyTags: (p) => `must hold at most ${p['max']} tags`,
  tagTooLong: (p) => `"${p['tag']}" is longer than ${p['max']} characters`,
  tagSeparator: (p) => `"${p['tag']}" may not contain | , ; or line breaks`,
  invalidName: (p) => `"${p['name']}" is not a valid site name (2-64 letters, digits, ".", "_", "-")`,
  repeatedName: (p) => `site "${p['name']}" is already listed on line ${p['other']}`,
  exists: (p) => `site "${p['name']}" already exists`,
  unknownColumn: (p) => `unknown column "${p['column']}" (known: ${SITE_CSV_COLUMNS.join(', ')})`,
  repeatedColumn: (p) => `column "${p['column']}" is named twice`,
  extraCells: (p) => `has ${p['cells']} cells but only ${p['columns']} columns are named`,
  unreadable: (p) => `the CSV could not be read: ${p['reason']}`,
};

const issue = (code: SiteProblemCode, params: Record<string, string | number> = {}): SiteProblem => ({
  code,
  params,
});

/**
 * What is wrong with one support detail (already trimmed), or null when it is valid: the one rule of the API, the
 * CSV import and the web form. An empty value is valid (it clears the field).
 */
export function siteDetailIssue(field: SiteDetailField, value: unknown): SiteProblem | null {
  if (field === 'tags') {
    if (!Array.isArray(value)) return issue('notList');
    if (value.length > SITE_DETAIL_LIMITS.tags) return issue('tooManyTags', { max: SITE_DETAIL_LIMITS.tags });
    for (const tag of value) {
      if (typeof tag !== 'string') return issue('notText');
      const shown = tag.slice(0, 40);
      if (tag.length > SITE_DETAIL_LIMITS.tag) return issue('tagTooLong', { tag: shown, max: SITE_DETAIL_LIMITS.tag });
      if (TAG_SEPARATORS.test(tag) || !ONE_LINE.test(tag)) return issue('tagSeparator', { tag: shown });
    }
    return null;
  }
  if (typeof value !== 'string') return issue('notText');
  const limit = SITE_DETAIL_LIMITS[field];
  if (value.length > limit) return issue('tooLong', { max: limit });
  if (!(field === 'notes' ? MULTI_LINE : ONE_LINE).test(value)) return issue('controlCharacters');
  if (field === 'phone' && value && !PHONE_PATTERN.test(value)) return issue('phoneCharacters');
  return null;
}

/** The English text of what is wrong with one support detail, or null when it is valid. */
export function siteDetailProblem(field: SiteDetailField, value: unknown): string | null {
  const found = siteDetailIssue(field, value);
  return found && SITE_PROBLEM_TEXT[found.code](found.params);
}
