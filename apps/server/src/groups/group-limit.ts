/** What an operator restricted to some groups is limited to: the alerts it sent (`sender`, its username) and its groups. */
export interface GroupLimit {
  sender: string;
  groupIds: number[];
}

/**
 * The one rule for what a restricted operator sees, as SQL, so that a list is narrowed in its query (pages and totals
 * stay right) and the live view asks the very same question. An alert is within the limit when the operator sent it,
 * or when its target lies within the groups: a group target is one of them, a site target is a member of one of them.
 * A global alert reaches every site, so another's never is, even for an operator allowed to send global alerts.
 *
 * `m` is the alias of the messages table, `sender` SQL for the operator's username, `groupIds` SQL yielding its group
 * ids (a parameter list, or a subquery per operator), or null when it has none.
 */
export function alertWithinLimit(m: string, sender: string, groupIds: string | null): string {
  const own = `(${m}.sender_kind = 'user' AND ${m}.sender_name = ${sender})`;
  if (groupIds === null) return own;
  return `(${own}
    OR (${m}.target_kind = 'group' AND ${m}.target_name IN (SELECT limit_g.name FROM "groups" limit_g WHERE limit_g.id IN (${groupIds})))
    OR (${m}.target_kind = 'receiver' AND ${siteWithinLimit(`${m}.target_name`, groupIds)}))`;
}

/** Whether the site named by `site` (SQL) is a member of one of the groups `groupIds` (SQL) yields. */
export function siteWithinLimit(site: string, groupIds: string): string {
  return `${site} IN (SELECT limit_gm.member_name FROM group_members limit_gm WHERE limit_gm.group_id IN (${groupIds}))`;
}

/** `alertWithinLimit` for one operator, with named parameters for a TypeORM query. */
export function alertWithinLimitQuery(m: string, limit: GroupLimit): { sql: string; params: Record<string, unknown> } {
  const groupIds = limit.groupIds.length ? ':...limitGroupIds' : null;
  return {
    sql: alertWithinLimit(m, ':limitSender', groupIds),
    params: { limitSender: limit.sender, limitGroupIds: limit.groupIds },
  };
}
