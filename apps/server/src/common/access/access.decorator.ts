import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ROLES, STAFF_ROLES as STAFF, type Role, type TokenScope } from '@avisa/contracts';

export const ACCESS_KEY = 'avisa:access';

export type AccessRule = { public: true } | { public?: false; roles: readonly Role[]; scopes?: readonly TokenScope[] };

/** Open to anyone, logged in or not. */
export const Public = () => SetMetadata(ACCESS_KEY, { public: true } satisfies AccessRule);

/**
 * Who may call a route: users with one of `roles`, and API tokens holding one of `scopes`.
 * A route with no such declaration is refused by the guard, so a forgotten one shows at once.
 */
export const Authenticated = (rule: { roles: readonly Role[]; scopes?: readonly TokenScope[] }) =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { ...rule, public: false } satisfies AccessRule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No valid session or API token' }),
    ApiForbiddenResponse({ description: 'Role or token scope not allowed' }),
  );

/** Alerts, sites, groups, phrases, history: the staff's routes. */
export const STAFF_ROLES: readonly Role[] = STAFF;
/** What every logged-in user may do with their own account. */
export const ANY_ROLE: readonly Role[] = ROLES;
