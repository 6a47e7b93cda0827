import { NAME_MAX, NAME_MIN, NAME_PROBLEM_TEXT, type NameProblem } from './names';

/**
 * Every refusal the API sends has a stable `code` and its `params`, next to the English `message` that scripts read.
 * The web app translates the code with its params; a code it does not know falls back to the message.
 * Add a code here (with its parameters and English message) before throwing it: see docs/architecture.md, "Errors".
 */
export type ErrorParamValue = string | number | boolean | null | readonly string[];
export type ErrorParams = Record<string, ErrorParamValue>;

interface ErrorSpec<P extends ErrorParams> {
  /** The HTTP status the API answers with (for report lines: the status of the refused import). */
  status: number;
  message: (params: P) => string;
}

const define = <P extends ErrorParams = Record<never, never>>(
  status: number,
  message: (params: P) => string,
): ErrorSpec<P> => ({ status, message });

type Field = { field: string };
const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

export const ERROR_CATALOGUE = {
  // The request itself
  'request.too_large': define<{ limit: number }>(
    413,
    (p) => `request body is larger than the limit of ${p.limit} bytes`,
  ),
  'request.bad_json': define<{ detail: string }>(400, (p) => `request body is not valid JSON (${p.detail})`),
  'request.too_deep': define<{ max: number }>(400, (p) => `request body is nested deeper than ${p.max} levels`),
  'request.not_object': define(400, () => 'request body must be a JSON object'),
  rate_limited: define<{ seconds: number }>(429, (p) => `too many requests; try again in ${p.seconds} s`),
  internal: define(500, () => 'internal error; see the server log'),

  // Validation: one per field problem (in `problems`), and `validation.failed` around them
  'validation.failed': define<{ fields: string[] }>(400, (p) => `invalid ${p.fields.join(', ')}`),
  'validation.required': define<Field>(400, (p) => `${p.field} is required`),
  'validation.unknown_field': define<Field>(400, (p) => `unknown field "${p.field}" is not allowed`),
  'validation.not_string': define<Field>(400, (p) => `${p.field} must be a string`),
  'validation.not_integer': define<Field>(400, (p) => `${p.field} must be an integer number`),
  'validation.not_boolean': define<Field>(400, (p) => `${p.field} must be a boolean value`),
  'validation.not_array': define<Field>(400, (p) => `${p.field} must be an array`),
  'validation.not_object': define<Field>(400, (p) => `${p.field} must be an object`),
  'validation.not_uuid': define<Field>(400, (p) => `${p.field} must be a UUID`),
  'validation.not_date': define<Field>(400, (p) => `${p.field} must be an ISO 8601 date`),
  'validation.not_in': define<Field & { values: readonly string[] }>(
    400,
    (p) => `${p.field} must be one of the following values: ${p.values.join(', ')}`,
  ),
  'validation.min': define<Field & { min: number }>(400, (p) => `${p.field} must not be less than ${p.min}`),
  'validation.max': define<Field & { max: number }>(400, (p) => `${p.field} must not be greater than ${p.max}`),
  'validation.min_length': define<Field & { min: number }>(
    400,
    (p) => `${p.field} must be longer than or equal to ${p.min} characters`,
  ),
  'validation.max_length': define<Field & { max: number }>(
    400,
    (p) => `${p.field} must be shorter than or equal to ${p.max} characters`,
  ),
  'validation.array_min_size': define<Field & { min: number }>(
    400,
    (p) => `${p.field} must contain at least ${p.min} elements`,
  ),
  'validation.array_max_size': define<Field & { max: number }>(
    400,
    (p) => `${p.field} must contain no more than ${p.max} elements`,
  ),
  'validation.pattern': define<Field>(400, (p) => `${p.field} has the wrong format`),
  'validation.invalid': define<Field>(400, (p) => `${p.field} is not valid`),
  'validation.range_inverted': define(400, () => 'from must not be later than to'),

  // Names (logins, sites, tokens, group members)
  'name.empty': define<Field>(400, (p) => `${p.field} ${NAME_PROBLEM_TEXT.empty}`),
  'name.too_short': define<Field & { min: number }>(400, (p) => `${p.field} ${NAME_PROBLEM_TEXT.tooShort}`),
  'name.too_long': define<Field & { max: number }>(400, (p) => `${p.field} ${NAME_PROBLEM_TEXT.tooLong}`),
  'name.pattern': define<Field>(400, (p) => `${p.field} ${NAME_PROBLEM_TEXT.pattern}`),

  // Passwords
  'password.not_string': define<Field>(400, (p) => `${p.field} must be a string`),
  'password.too_short': define<Field & { min: number }>(400, (p) => `${p.field} must be at least ${p.min} bytes long`),
  'password.too_long': define<Field & { max: number; bytes: number }>(
    400,
    (p) => `${p.field} must be at most ${p.max} bytes long (got ${p.bytes})`,
  ),
  'password.common': define<Field>(400, (p) => `${p.field} is one of the most commonly used passwords; choose another`),
  'password.same_as_username': define<Field>(400, (p) => `${p.field} must not be the same as the username`),
  'password.same_as_current': define(400, () => 'newPassword must differ from the current password'),
  'password.current_wrong': define(401, () => 'currentPassword is wrong'),
  'password.current_wrong_sessions_ended': define<{ max: number }>(
    401,
    (p) => `currentPassword is wrong; after ${p.max} wrong tries your sessions were ended: log in again`,
  ),
  'password.current_too_many': define<{ minutes: number }>(
    429,
    (p) => `too many wrong current passwords; try again in ${p.minutes} min`,
  ),

  // Logging in, sessions, API tokens, access
  'auth.wrong_credentials': define(401, () => 'wrong username or password'),
  'auth.account_disabled': define(401, () => 'this account is disabled; ask an administrator'),
  'auth.locked_address': define<{ minutes: number }>(
    429,
    (p) => `too many failed logins for this account from your address; try again in ${p.minutes} min`,
  ),
  'auth.locked_account': define<{ minutes: number }>(
    429,
    (p) => `too many failed logins for this account; it is locked, try again in ${p.minutes} min`,
  ),
  'auth.session_ended': define(401, () => 'session expired or logged out; log in again'),
  'auth.session_max_age': define(401, () => 'session reached its maximum duration; log in again'),
  'auth.session_idle': define(401, () => 'session expired after inactivity; log in again'),
  'auth.account_inactive': define(401, () => 'this account is no longer active'),
  'auth.missing_header': define(401, () => 'log in first: missing "Authorization: Bearer <token>" header'),
  'auth.bad_header': define(401, () => 'the Authorization header must be "Bearer <token>"'),
  'auth.role_required': define<{ roles: readonly string[] }>(
    403,
    (p) => `this action requires the ${p.roles.join(' or ')} role`,
  ),
  'auth.credentials_in_url': define<{ param: string }>(
    400,
    (p) => `credentials are never accepted in the URL (query parameter "${p.param}"); use the Authorization header`,
  ),
  'auth.tokens_not_allowed': define(403, () => 'API tokens cannot call this route; log in as a user'),
  'auth.scope_required': define<{ scopes: readonly string[] }>(
    403,
    (p) => `this API token lacks the scope ${p.scopes.join(' or ')}`,
  ),
  'auth.token_unknown': define(401, () => 'unknown API token'),
  'auth.token_revoked': define(401, () => 'this API token has been revoked'),
  'auth.token_expired': define(401, () => 'this API token has expired'),
  'auth.token_creator_disabled': define(
    401,
    () => 'the account that created this API token is disabled; ask an administrator',
  ),
  'auth.token_creator_deleted': define(
    401,
    () => 'the account that created this API token no longer exists; ask an administrator for a new token',
  ),
  'auth.token_has_no_password': define(403, () => 'API tokens have no password'),

  // Users
  'user.not_found': define<{ id: number }>(404, (p) => `user ${p.id} does not exist`),
  'user.exists': define<{ username: string }>(409, (p) => `username "${p.username}" is already taken`),
  'user.builtin_demote': define(403, () => 'the built-in admin cannot be demoted'),
  'user.builtin_disable': define(403, () => 'the built-in admin cannot be disabled'),
  'user.builtin_delete': define(403, () => 'the built-in admin cannot be deleted'),
  'user.own_role': define(403, () => 'you cannot change your own role'),
  'user.own_disable': define(403, () => 'you cannot disable your own account'),
  'user.own_delete': define(403, () => 'you cannot delete your own account'),

  // API tokens
  'token.exists': define<{ name: string }>(409, (p) => `an API token named "${p.name}" already exists`),
  'token.not_found': define<{ id: number }>(404, (p) => `API token ${p.id} does not exist`),

  // Sites
  'site.not_found': define<{ name: string }>(404, (p) => `site "${p.name}" does not exist`),
  'site.exists': define<{ name: string }>(409, (p) => `a site named "${p.name}" already exists`),
  'site.disabled': define<{ name: string }>(409, (p) => `site "${p.name}" is disabled`),
  'site.csv_unreadable': define<{ detail: string }>(400, (p) => `the CSV could not be read: ${p.detail}`),
  'site.csv_empty': define(400, () => 'the CSV lists no sites'),
  'site.csv_too_many': define<{ max: number }>(400, (p) => `at most ${p.max} sites per file`),
  'site.none_enabled': define(409, () => 'there are no enabled sites to send to'),

  // Groups, restrictions and the group import report (one code per report line)
  'group.not_found': define<{ name: string }>(404, (p) => `group "${p.name}" does not exist`),
  'group.exists': define<{ name: string }>(409, (p) => `a group named "${p.name}" already exists`),
  'group.name_required': define(400, () => 'name must not be empty'),
  'group.members_required': define(400, () => 'members must list at least one site'),
  'group.members_repeated': define<{ members: string[] }>(
    400,
    (p) => `members lists ${quoted(p.members)} more than once`,
  ),
  'group.no_enabled_site': define<{ name: string; unknown: string[] }>(
    409,
    (p) => `group "${p.name}" has no enabled site to send to (unknown: ${p.unknown.join(', ') || 'none'})`,
  ),
  'group.restricted': define<{ action: string }>(
    403,
    (p) => `you are not allowed to ${p.action}: your account is limited to some groups`,
  ),
  'group.unknown_groups': define<{ names: string[] }>(404, (p) => `no such group: ${quoted(p.names)}`),
  'restriction.admin': define(400, () => 'admins see and send everything; only operators can be restricted'),
  'restriction.member': define(400, () => 'members send no alerts and see no sites; only operators can be restricted'),
  'group.import_refused': define<{ count: number }>(
    400,
    (p) => `nothing was imported: ${p.count} problem(s), see report.errors`,
  ),
  'group.import_malformed': define<{ detail: string }>(400, (p) => `malformed line: ${p.detail}`),
  'group.import_empty': define(400, () => 'the file lists no groups'),
  'group.already_exists': define<{ name: string }>(400, (p) => `group "${p.name}" already exists`),
  'group.name_empty': define(400, () => 'the group name is empty'),
  'group.name_too_long': define<{ name: string; max: number }>(
    400,
    (p) => `group name "${p.name}…" is longer than ${p.max} characters`,
  ),
  'group.repeated': define<{ name: string; line: number }>(
    400,
    (p) => `group "${p.name}" also appears on line ${p.line}`,
  ),
  'group.no_members': define<{ name: string }>(400, (p) => `group "${p.name}" has no members`),
  'group.member_invalid': define<{ member: string; problem: NameProblem; min: number; max: number }>(
    400,
    (p) => `member "${p.member}" ${NAME_PROBLEM_TEXT[p.problem]}`,
  ),
  'group.member_twice': define<{ member: string; name: string }>(
    400,
    (p) => `member "${p.member}" is listed twice in group "${p.name}"`,
  ),
  'group.unknown_member': define<{ member: string }>(400, (p) => `"${p.member}" is not a known site (imported anyway)`),

  // Alerts
  'alert.not_found': define<{ id: string }>(404, (p) => `alert ${p.id} does not exist`),
  'alert.already_withdrawn': define(409, () => 'this alert was already withdrawn'),
  'alert.ttl_too_long': define<{ max: number }>(400, (p) => `ttlSeconds must be at most ${p.max}`),
  'alert.withdrawn': define(409, () => 'this alert was withdrawn'),
  'alert.expired': define(409, () => 'this alert has expired: send it again as a new alert instead'),
  'scheduled.not_found': define<{ id: string }>(404, (p) => `scheduled alert ${p.id} does not exist`),
  'scheduled.failed': define<{ id: string; problem: string }>(
    409,
    (p) => `alert ${p.id} could not be sent: ${p.problem}`,
  ),
  'scheduled.not_pending': define<{ id: string }>(
    409,
    (p) => `alert ${p.id} is no longer scheduled: it was sent or cancelled`,
  ),
  'alert.send_limit': define<{ limit: number; seconds: number }>(
    429,
    (p) => `too many alerts: at most ${p.limit} per minute per user or API token; try again in ${p.seconds} s`,
  ),

  // Quick phrases
  'phrase.list_full': define<{ max: number }>(409, (p) => `the list already holds ${p.max} phrases; delete one first`),
  'phrase.exists': define<{ text: string }>(409, (p) => `the phrase "${p.text}" already exists`),
  'phrase.not_found': define<{ id: number }>(404, (p) => `phrase ${p.id} does not exist`),

  // Chat rooms and shared files
  'room.not_found': define<{ id: number }>(404, (p) => `room ${p.id} does not exist`),
  'room.exists': define<{ name: string }>(409, (p) => `a room named "${p.name}" already exists`),
  'room.archived': define(409, () => 'this room is archived: it is read-only'),
  'room.not_member': define(403, () => 'you are not a member of this room'),
  'room.list_all_admin_only': define(403, () => 'only admins may list every room'),
  'room.password_required': define(400, () => 'password is required for a protected room'),
  'room.password_not_allowed': define<{ kind: string }>(400, (p) => `a ${p.kind} room has no password`),
  'room.password_kept': define(400, () => 'a protected room always has a password'),
  'room.ephemeral_no_retention': define(400, () => 'an ephemeral room stores no messages to keep'),
  'room.settings_forbidden': define(403, () => "only the room's owner and moderators change its settings"),
  'room.members_forbidden': define(403, () => "only the room's owner and moderators manage its members"),
  'room.archive_forbidden': define(403, () => 'only the owner or an admin archives a room'),
  'room.delete_forbidden': define(403, () => 'only the owner or an admin deletes a room'),
  'room.join_needs_code': define(403, () => 'only a public room is joined without a code'),
  'room.join_too_many': define<{ seconds: number }>(
    429,
    (p) => `too many wrong codes or passwords; try again in ${p.seconds} s`,
  ),
  'room.join_refused': define(403, () => 'the code or password is wrong'),
  'room.user_unavailable': define<{ id: number }>(404, (p) => `user ${p.id} does not exist or is disabled`),
  'room.user_not_member': define<{ id: number }>(404, (p) => `user ${p.id} is not a member of this room`),
  'room.roles_owner_only': define(403, () => 'only the owner appoints moderators or hands the room over'),
  'room.handover_members_only': define(400, () => 'hand a room over to one of its members'),
  'room.owner_hands_over': define(400, () => 'the owner hands the room over to someone else'),
  'room.member_role_owner_only': define(403, () => "only the owner changes a member's role"),
  'room.owner_not_removable': define(403, () => 'the owner cannot be removed'),
  'room.moderator_owner_only': define(403, () => 'only the owner removes a moderator'),
  'room.ephemeral_no_scripts': define(400, () => 'scripts cannot post into an ephemeral room'),
  'room.token_unavailable': define<{ id: number }>(404, (p) => `API token ${p.id} does not exist or is revoked`),
  'room.token_not_granted': define<{ id: number }>(404, (p) => `API token ${p.id} was not given this room`),
  'room.token_not_given': define(403, () => 'this API token was not given this room'),
  'room.message_edit_author_only': define(403, () => 'only its author edits a message'),
  'room.message_deleted': define(400, () => 'a deleted message cannot be edited'),
  'room.message_delete_forbidden': define(
    403,
    () => "only its author or the room's owner and moderators delete a message",
  ),
  'room.message_no_file': define<{ message: string; file: string }>(
    404,
    (p) => `message ${p.message} carries no file ${p.file}`,
  ),
  'room.receipts_forbidden': define(403, () => "only its author or the room's managers see who read a message"),
  'room.message_not_found': define<{ id: string }>(404, (p) => `message ${p.id} does not exist in this room`),
  'file.not_found': define<{ id: string }>(404, (p) => `file ${p.id} does not exist`),
  'file.gone': define(404, () => 'that file is no longer available'),
  'file.infected': define<{ reason: string }>(
    409,
    (p) => `this file is infected (${p.reason}): it can only be deleted`,
  ),
  'file.scanning': define(409, () => 'this file is being scanned; wait for the result'),
  'file.required': define(400, () => 'file is required: send it as the multipart field "file"'),
  'file.site_not_sent': define(403, () => 'this site did not receive that file with that alert'),

  // Receiver packages, installers and updates; more on files
  'file.over_quota': define<{ used: number; quota: number }>(
    413,
    (p) =>
      `this upload would take your files to ${p.used} MB, over your quota of ${p.quota} MB; ask an admin to delete some`,
  ),
  'file.type_refused': define<{ detail: string }>(415, (p) => p.detail),
  'file.not_downloadable': define<{ state: string }>(
    403,
    (p) => `this file is ${p.state.replace('_', ' ')}: it can be downloaded once clean or released`,
  ),
  'file.attachment_missing': define<{ field: string; id: string }>(
    400,
    (p) => `${p.field}: file ${p.id} does not exist`,
  ),
  'file.attachment_not_ready': define<{ field: string; name: string; state: string }>(
    400,
    (p) => `${p.field}: file "${p.name}" is ${p.state.replace('_', ' ')}, not clean or released`,
  ),
  'file.rate_limited': define<{ limit: number; action: string; seconds: number }>(
    429,
    (p) => `at most ${p.limit} file ${p.action}s a minute; try again in ${p.seconds} s`,
  ),
  'installer.wrong_key': define(
    403,
    () => 'this is not the current key of this site: rotate the key to make an installer',
  ),
  'installer.no_package': define<{ field: string; kind: string }>(
    400,
    (p) => `this server publishes no ${p.kind} package: run npm run package:receiver on the server first`,
  ),
  'installer.no_address': define<{ field: string }>(
    400,
    (p) => 'the server address could not be told; set AVISA_PUBLIC_URL',
  ),
  'update.no_packages': define<{ field: string }>(
    400,
    (p) => 'no receiver packages are published on this server: run npm run package:receiver',
  ),
  'update.wrong_version': define<{ field: string; version: string }>(
    400,
    (p) => `version must be the one this server serves (${p.version})`,
  ),
  'update.no_bundle': define<{ field: string; version: string }>(
    400,
    (p) => `the packages of ${p.version} hold no receiver bundle`,
  ),
  'update.none_in_progress': define(404, () => 'no receiver update is in progress'),
  'package.none': define(404, () => 'no receiver packages are published on this server'),
  'package.not_found': define<{ name: string }>(404, (p) => `no published receiver package is named "${p.name}"`),

  // Audit
  'audit.last_read_beyond': define<{ lastReadId: number; max: number }>(
    400,
    (p) => `lastReadId ${p.lastReadId} is beyond the newest audit event (${p.max})`,
  ),
};

export type CatalogueErrorCode = keyof typeof ERROR_CATALOGUE;
export type ErrorParamsOf<C extends CatalogueErrorCode> = Parameters<(typeof ERROR_CATALOGUE)[C]['message']>[0];

/** The fallback when a refusal has no code of its own yet: one per HTTP status, never an error without a code. */
export const GENERIC_ERROR_CODES: Record<number, string> = {
  400: 'http.bad_request',
  401: 'http.unauthorized',
  403: 'http.forbidden',
  404: 'http.not_found',
  405: 'http.method_not_allowed',
  409: 'http.conflict',
  413: 'http.payload_too_large',
  415: 'http.unsupported_media_type',
  422: 'http.unprocessable',
  429: 'rate_limited',
  500: 'internal',
  503: 'http.unavailable',
};

export function genericErrorCode(status: number): string {
  return GENERIC_ERROR_CODES[status] ?? (status >= 500 ? 'http.server_error' : 'http.client_error');
}

/** Params of a code, or nothing for a code without params: `errorMessage('site.none_enabled')`. */
export type ErrorParamsArg<C extends CatalogueErrorCode> = [keyof ErrorParamsOf<C>] extends [never]
  ? []
  : [ErrorParamsOf<C>];

/** The English message of a code with its params: the text of `message` in the API's answers. */
export function errorMessage<C extends CatalogueErrorCode>(code: C, ...params: ErrorParamsArg<C>): string {
  return (ERROR_CATALOGUE[code].message as (p: ErrorParams) => string)(params[0] ?? {});
}

export function errorStatus(code: CatalogueErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

export function isCatalogueErrorCode(code: string): code is CatalogueErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, code);
}

/** One problem with one field of the request, e.g. `{ field: 'name', code: 'name.pattern', params: { field: 'name' } }`. */
export interface FieldProblem {
  field: string;
  code: string;
  params: ErrorParams;
  message: string;
}

/** Params of a name problem, for `name.*` and `group.member_invalid`. */
export const NAME_LIMITS = { min: NAME_MIN, max: NAME_MAX } as const;
