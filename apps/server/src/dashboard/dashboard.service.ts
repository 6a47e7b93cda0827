import { Injectable } from '@nestjs/common';
import {
  DASHBOARD_DAYS,
  DASHBOARD_LAST_ALERTS,
  DASHBOARD_OFFLINE_LISTED,
  DASHBOARD_URGENT_LISTED,
  type DashboardResponse,
} from '@avisa/contracts';
import { Principal } from '../common/actor';
import { localDate } from '../common/local-time';
import { Clock } from '../common/system/clock';
import { GroupAccessService } from '../groups/group-access.service';
import { MessagingService } from '../messaging/messaging.service';
import { ReceiversService } from '../receivers/receivers.service';

/** The first instant of each of the `count` days up to `now`'s, oldest first, in the server's time zone. */
export function dayStarts(now: number, count: number): number[] {
  const today = new Date(now);
  return Array.from({ length: count }, (_, i) =>
    new Date(today.getFullYear(), today.getMonth(), today.getDate() - (count - 1 - i)).getTime(),
  );
}

@Injectable()
export class DashboardService {
  constructor(
    private readonly receivers: ReceiversService,
    private readonly messaging: MessagingService,
    private readonly access: GroupAccessService,
    private readonly clock: Clock,
  ) {}

  async forCaller(principal: Principal): Promise<DashboardResponse> {
    const now = this.clock.now();
    const starts = dayStarts(now, DASHBOARD_DAYS);
    const todayStart = starts[starts.length - 1];
    const scope = await this.access.scopeOf(principal);
    const [sites, today, perDay, urgentUnread, lastAlerts] = await Promise.all([
      this.receivers.presenceSummary(principal, DASHBOARD_OFFLINE_LISTED),
      this.messaging.sentSince(todayStart, scope),
      this.messaging.countPerPeriod(starts, scope),
      this.messaging.flaggedUnread(DASHBOARD_URGENT_LISTED, DASHBOARD_OFFLINE_LISTED, scope),
      this.messaging.latest(DASHBOARD_LAST_ALERTS, scope),
    ]);
    return {
      generatedAt: new Date(now).toISOString(),
      restricted: scope.restricted,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      sites,
      today: {
        since: new Date(todayStart).toISOString(),
        alerts: today.alerts,
        copies: today.copies,
        read: today.read,
        readRate: today.copies ? today.read / today.copies : null,
      },
      urgentUnread,
      lastAlerts,
      perDay: starts.map((start, i) => ({ date: localDate(start), alerts: perDay[i] })),
    };
  }
}
