import { FakeClock, newTestService } from '../../test/utils';
import type { Principal } from '../common/actor';
import { Clock } from '../common/system/clock';
import { GroupAccessService, type GroupScope } from '../groups/group-access.service';
import { MessagingService } from '../messaging/messaging.service';
import { ReceiversService } from '../receivers/receivers.service';
import { localDate } from '../common/local-time';
import { DashboardService, dayStarts } from './dashboard.service';

const operator: Principal = {
  kind: 'user',
  userId: 7,
  username: 'oper',
  displayName: 'Oper',
  role: 'operator',
  sessionId: 's',
};

/** Local midnight of a calendar day, in the time zone the tests run in (the server's). */
const midnight = (y: number, m: number, d: number) => new Date(y, m - 1, d).getTime();

describe('days in the server time zone', () => {
  it('starts each of the days up to today at local midnight, oldest first, across month ends', () => {
    const now = midnight(2026, 12, 2) + 15 * 3600_000;
    const starts = dayStarts(now, 3);
    expect(starts.map(localDate)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    expect(starts[2]).toBe(midnight(2026, 12, 2));
  });
});

describe('DashboardService', () => {
  function setup(scope: GroupScope) {
    const clock = new FakeClock(midnight(2026, 12, 3) + 10 * 3600_000);
    const { sut, mock } = newTestService(DashboardService, [[Clock, clock]]);
    const mocks = {
      receivers: mock(ReceiversService),
      messaging: mock(MessagingService),
      access: mock(GroupAccessService),
    };
    mocks.access.scopeOf.mockImplementation(async () => scope);
    mocks.receivers.presenceSummary.mockImplementation(async () => ({
      total: 3,
      online: 1,
      offline: 2,
      disabled: 0,
      offlineLongest: [],
    }));
    mocks.messaging.sentSince.mockImplementation(async () => ({ alerts: 2, copies: 8, read: 6 }));
    mocks.messaging.countPerPeriod.mockImplementation(async (starts) =>
      starts.map((_, i) => (i === starts.length - 1 ? 2 : i % 2)),
    );
    mocks.messaging.flaggedUnread.mockImplementation(async () => []);
    mocks.messaging.latest.mockImplementation(async () => []);
    return { sut, mocks, clock };
  }

  it("counts from local midnight: today's alerts, their read rate and 30 days ending today", async () => {
    const { sut, mocks, clock } = setup({ restricted: false });
    const answer = await sut.forCaller(operator);
    const todayStart = midnight(2026, 12, 3);
    expect(mocks.messaging.sentSince).toHaveBeenCalledWith(todayStart, { restricted: false });
    expect(mocks.messaging.countPerPeriod.mock.calls[0][0]).toEqual(dayStarts(clock.now(), 30));
    expect(mocks.messaging.countPerPeriod.mock.calls[0][0][0]).toBe(midnight(2026, 11, 4));
    expect(answer.today).toEqual({
      since: new Date(todayStart).toISOString(),
      alerts: 2,
      copies: 8,
      read: 6,
      readRate: 0.75,
    });
    expect(answer.perDay).toHaveLength(30);
    expect(answer.perDay[0]).toEqual({ date: '2026-11-04', alerts: 0 });
    expect(answer.perDay[1]).toEqual({ date: '2026-11-05', alerts: 1 });
    expect(answer.perDay.at(-1)).toEqual({ date: '2026-12-03', alerts: 2 });
    expect(answer.generatedAt).toBe(new Date(clock.now()).toISOString());
    expect(answer.restricted).toBe(false);
    expect(answer.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('has no read rate without a copy, and narrows every figure to a restricted operator', async () => {
    const scope: GroupScope = { restricted: true, allowGlobal: false, sender: 'oper', groupIds: [3] };
    const { sut, mocks } = setup(scope);
    mocks.messaging.sentSince.mockImplementation(async () => ({ alerts: 0, copies: 0, read: 0 }));
    const answer = await sut.forCaller(operator);
    expect(answer.today.readRate).toBeNull();
    expect(answer.restricted).toBe(true);
    expect(mocks.receivers.presenceSummary).toHaveBeenCalledWith(operator, 10);
    for (const call of [
      mocks.messaging.sentSince,
      mocks.messaging.countPerPeriod,
      mocks.messaging.flaggedUnread,
      mocks.messaging.latest,
    ]) {
      expect(call.mock.calls[0].at(-1)).toBe(scope);
    }
  });
});
