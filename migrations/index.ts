import { Init1763830000000 } from './1763830000000-Init';

/** Every migration, oldest first; listed by class so a bundled build finds them too. */
export const MIGRATIONS = [Init1763830000000];
