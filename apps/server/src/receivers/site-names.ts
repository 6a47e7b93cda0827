/**
 * The sites' display names as SQL, for a module that lists copies per site and must filter, sort and page by them
 * in its own query (an alert's deliveries at 1,000 sites): `LEFT JOIN` the sites table under `alias` by id, then
 * read `displayName`. A site deleted since has none (null).
 */
export function siteNamesJoin(alias: string, receiverId: string): { join: string; displayName: string } {
  return {
    join: `LEFT JOIN receivers ${alias} ON ${alias}.id = ${receiverId}`,
    displayName: `${alias}.display_name`,
  };
}
