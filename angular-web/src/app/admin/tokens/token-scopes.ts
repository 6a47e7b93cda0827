import type { TokenScope } from '@avisa/contracts';

/** Each scope's translation key under `tokens.scopes`. */
export const SCOPE_KEYS: Record<TokenScope, string> = { 'messages:send': 'send', read: 'read', 'rooms:post': 'rooms' };
