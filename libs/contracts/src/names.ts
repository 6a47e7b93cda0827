/** Login, site and API token names, and group members (which name sites): one rule for the server and the web app. */
export const NAME_MIN = 2;
export const NAME_MAX = 64;
export const NAME_PATTERN = /^[a-z0-9._-]+$/;

/** "  MARIN " and "marin" are one name. */
export function normalizeName(value: string): string {
  return value.trim().toLowerCase();
}

export type NameProblem = 'empty' | 'tooShort' | 'tooLong' | 'pattern';

/** What is wrong with a name already normalized, or null when it is a valid name. */
export function nameProblem(name: string): NameProblem | null {
  if (!name) return 'empty';
  if (name.length < NAME_MIN) return 'tooShort';
  if (name.length > NAME_MAX) return 'tooLong';
  return NAME_PATTERN.test(name) ? null : 'pattern';
}

/** The end of an API error message, after the field: `members[2] may contain only …`. */
export const NAME_PROBLEM_TEXT: Record<NameProblem, string> = {
  empty: 'must not be empty',
  tooShort: `must be at least ${NAME_MIN} characters long`,
  tooLong: `must be at most ${NAME_MAX} characters long`,
  pattern: 'may contain only letters, digits, ".", "_" and "-"',
};
