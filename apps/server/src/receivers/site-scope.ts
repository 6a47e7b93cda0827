import type { Principal } from '../common/actor';

/**
 * Which sites a caller may see. The receivers module asks; the groups module answers (an operator limited to some
 * groups sees their sites) and provides it globally, so receivers need not know groups.
 */
export abstract class SiteScope {
  /** The names of the sites the caller may see, or null for all of them. */
  abstract visibleSites(principal: Principal): Promise<Set<string> | null>;

  abstract maySeeSite(principal: Principal, site: string): Promise<boolean>;
}
