import { AuditService, type AuditEntry } from '../audit/audit.service';
import { EventBus } from '../common/events/event-bus';
import type { Principal } from '../common/actor';
import { ReceiverHub } from '../fanout/receiver-hub';
import { GroupAccessService } from '../groups/group-access.service';
import { GroupsService } from '../groups/groups.service';
import { ReceiversService } from '../receivers/receivers.service';
import { FakeClock, adminActor, newTestService, testConfig } from '../../test/utils';
import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { AlertTemplates } from './alert-templates';
import { MessageEntity } from './message.entity';
import { MessagesRepository } from './messages.repository';
import { MessagingService } from './messaging.service';
import { SendLimit } from './send-limit';

const principal: Principal = {
  kind: 'user',
  userId: 1,
  username: 'admin',
  displayName: 'Soporte',
  role: 'admin',
  sessionId: 's',
};
const sites = [
  { id: 1, name: 'centro' },
  { id: 2, name: 'norte' },
  { id: 3, name: 'sur' },
];

function setup(online: string[]) {
  const clock = new FakeClock();
  const { sut, mock } = newTestService(MessagingService, [
    [Clock, clock],
    [
      AppConfigService,
      testConfig({ AVISA_MESSAGE_DEFAULT_TTL_SECONDS: '3600', AVISA_MESSAGE_MAX_TTL_SECONDS: '7200' }),
    ],
  ]);
  const mocks = {
    messages: mock(MessagesRepository),
    receivers: mock(ReceiversService),
    hub: mock(ReceiverHub),
    events: mock(EventBus),
    groups: mock(GroupsService),
    access: mock(GroupAccessService),
    audit: mock(AuditService),
  };
  const auditLines: string[] = [];
  mocks.audit.along.mockImplementation((entry: AuditEntry) => ({
    write: async () => undefined,
    committed: () => void auditLines.push(entry.action),
  }));
  mocks.receivers.enabledSites.mockImplementation(async () => sites);
  mocks.receivers.findSite.mockImplementation(async (name: string) =>
    name === 'cerrada'
      ? { id: 9, name, enabled: false }
      : (sites.map((s) => ({ ...s, enabled: true })).find((s) => s.name === name) ?? null),
  );
  mocks.hub.online.mockImplementation(
    async (names: readonly string[]) => new Set(names.filter((n) => online.includes(n))),
  );
  mocks.events.emit.mockImplementation(async () => undefined);
  mocks.groups.membersForSending.mockImplementation(async (name: string) =>
    name === 'zona-norte' ? { members: ['norte', 'cerrada', 'futura'] } : null,
  );
  mocks.access.assertMaySend.mockImplementation(async () => undefined);
  mock(SendLimit).take.mockImplementation(async () => undefined);
  return { sut, mocks, clock, mock, auditLines };
}

describe('MessagingService.send', () => {
  it('stores the message and every delivery before pushing it, then answers who was online and who is queued', async () => {
    const { sut, mocks, clock, auditLines } = setup(['centro', 'sur']);
    const order: string[] = [];
    mocks.messages.insertAccepted.mockImplementation(
      async () => void order.push(`stored (lines ${auditLines.length})`),
    );
    mocks.hub.sendAlertToAll.mockImplementation(() => void order.push(`pushed (lines ${auditLines.length})`));
    const result = await sut.send(
      { target: { kind: 'all' }, text: 'Actualizad el TPV', priority: 'urgent' },
      principal,
      adminActor,
    );
    // The audit entry is stored in the alert's transaction; its acciones.log line once that is committed.
    expect(order).toEqual(['stored (lines 0)', 'pushed (lines 1)']);
    expect(mocks.audit.along).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'message.created',
        actor: adminActor,
        target: 'all',
        details: expect.objectContaining({ id: result.id, recipients: 3, online: 2, queued: 1 }),
      }),
    );
    expect(mocks.messages.insertAccepted.mock.calls[0][0].alongside).toEqual([mocks.audit.along.mock.results[0].value]);
    expect(result).toMatchObject({ online: ['centro', 'sur'], queued: ['norte'], dropped: [], unknown: [] });
    const [{ message, rows }] = mocks.messages.insertAccepted.mock.calls[0];
    expect(message).toMatchObject({
      text: 'Actualizad el TPV',
      priority: 'urgent',
      senderDisplay: 'Soporte',
      expiresAt: clock.now() + 3_600_000,
    });
    expect(rows.map((r) => [r.receiverName, r.state, r.sentAt, r.attempts])).toEqual([
      ['centro', 'sent', clock.now(), 1],
      ['norte', 'queued', null, 0],
      ['sur', 'sent', clock.now(), 1],
    ]);
    expect(mocks.hub.sendAlertToAll).toHaveBeenCalledWith(expect.objectContaining({ id: result.id, reminder: 0 }));
    expect(mocks.hub.sendAlert).not.toHaveBeenCalled();
    expect(mocks.events.emit).toHaveBeenCalledWith('message.created', expect.objectContaining({ target: 'all' }));
  });

  it('with ttlSeconds 0 drops offline sites instead of queueing', async () => {
    const { sut, mocks } = setup(['centro']);
    const result = await sut.send({ target: { kind: 'all' }, text: 'ahora', ttlSeconds: 0 }, principal, adminActor);
    expect(result).toMatchObject({ online: ['centro'], queued: [], dropped: ['norte', 'sur'] });
    const [{ rows }] = mocks.messages.insertAccepted.mock.calls[0];
    expect(rows.filter((r) => r.state === 'expired').map((r) => r.receiverName)).toEqual(['norte', 'sur']);
  });

  it.each([
    [{ kind: 'receiver' as const, name: 'nadie' }, /site "nadie" does not exist/],
    [{ kind: 'receiver' as const, name: 'cerrada' }, /is disabled/],
    [{ kind: 'group' as const, name: 'zona-sur' }, /group "zona-sur" does not exist/],
  ])('refuses target %o and stores nothing', async (target, message) => {
    const { sut, mocks } = setup([]);
    await expect(sut.send({ target, text: 'x' }, principal, adminActor)).rejects.toThrow(message);
    expect(mocks.messages.insertAccepted).not.toHaveBeenCalled();
  });

  it('refuses a validity longer than allowed', async () => {
    const { sut, mocks } = setup([]);
    await expect(
      sut.send({ target: { kind: 'all' }, text: 'x', ttlSeconds: 7201 }, principal, adminActor),
    ).rejects.toThrow(/at most 7200/);
    expect(mocks.messages.insertAccepted).not.toHaveBeenCalled();
  });
});

describe('MessagingService templates', () => {
  it('pushes an alert holding placeholders one site at a time, and keeps the template stored', async () => {
    const { sut, mocks, mock } = setup(['centro', 'sur']);
    const templates = mock(AlertTemplates);
    templates.isTemplate.mockReturnValue(true);
    const result = await sut.send({ target: { kind: 'all' }, text: 'Hola {sitio}' }, principal, adminActor);
    expect(mocks.messages.insertAccepted.mock.calls[0][0].message.text).toBe('Hola {sitio}');
    expect(templates.sendEach).toHaveBeenCalledWith(['centro', 'sur'], expect.objectContaining({ id: result.id }));
    expect(mocks.hub.sendAlertToAll).not.toHaveBeenCalled();
    expect(mocks.hub.sendAlert).not.toHaveBeenCalled();
  });
});

describe('MessagingService.send to a group', () => {
  it('sends to the enabled member sites and answers the members that are disabled or unknown', async () => {
    const { sut, mocks } = setup(['norte']);
    mocks.receivers.findSites.mockImplementation(async () => [
      { id: 2, name: 'norte', enabled: true },
      { id: 9, name: 'cerrada', enabled: false },
    ]);
    const result = await sut.send(
      { target: { kind: 'group', name: 'zona-norte' }, text: 'hola' },
      principal,
      adminActor,
    );
    expect(result).toMatchObject({ online: ['norte'], queued: [], dropped: ['cerrada'], unknown: ['futura'] });
    expect(mocks.access.assertMaySend).toHaveBeenCalledWith(principal, adminActor, 'group', 'zona-norte');
    expect(mocks.hub.sendAlert).toHaveBeenCalledWith(['norte'], expect.objectContaining({ id: result.id }));
    expect(mocks.hub.sendAlertToAll).not.toHaveBeenCalled();
  });

  it('stores nothing when the caller may not send there', async () => {
    const { sut, mocks } = setup([]);
    mocks.access.assertMaySend.mockRejectedValue(new Error('you are not allowed'));
    await expect(sut.send({ target: { kind: 'all' }, text: 'x' }, principal, adminActor)).rejects.toThrow(
      'not allowed',
    );
    expect(mocks.messages.insertAccepted).not.toHaveBeenCalled();
  });
});

describe('MessagingService for an operator restricted to some groups', () => {
  const restricted: Principal = { ...principal, userId: 7, username: 'limitado', role: 'operator' };
  const limit = { restricted: true as const, allowGlobal: false, sender: 'limitado', groupIds: [3] };
  const stored = { id: 'a1', targetKind: 'group', targetName: 'sur', retractedAt: null } as MessageEntity;

  function restrictedSetup() {
    const { sut, mocks } = setup([]);
    mocks.access.scopeOf.mockResolvedValue(limit);
    // The alert exists, but not within the limit.
    mocks.messages.findMessage.mockImplementation(async (_id: string, within?: unknown) => (within ? null : stored));
    return { sut, mocks };
  }

  it('narrows the history in the query', async () => {
    const { sut, mocks } = restrictedSetup();
    mocks.messages.history.mockResolvedValue({ items: [], total: 0 });
    mocks.messages.counts.mockResolvedValue(new Map());
    await sut.history({ page: 2, pageSize: 10 }, restricted);
    expect(mocks.messages.history).toHaveBeenCalledWith(expect.objectContaining({ within: limit, offset: 10 }));
  });

  it('answers 404 for an alert outside the limit, as for a missing one', async () => {
    const { sut } = restrictedSetup();
    await expect(sut.get('a1', restricted)).rejects.toThrow('alert a1 does not exist');
  });

  it('withdraws nothing outside the limit: 404, and the attempt audited', async () => {
    const { sut, mocks } = restrictedSetup();
    await expect(sut.retract('a1', restricted, adminActor)).rejects.toThrow('alert a1 does not exist');
    expect(mocks.access.recordRefusal).toHaveBeenCalledWith(adminActor, 'withdraw alert a1');
    expect(mocks.messages.retract).not.toHaveBeenCalled();
  });
});

describe('MessagingService.validateReceipt', () => {
  it('names what is wrong with a receipt', () => {
    const { sut } = setup([]);
    expect(sut.validateReceipt(null)).toMatch(/must be an object/);
    expect(sut.validateReceipt({ id: 5, state: 'read' })).toMatch(/receipt.id/);
    expect(sut.validateReceipt({ id: 'a', state: 'seen' })).toMatch(/receipt.state/);
    expect(sut.validateReceipt({ id: 'a', state: 'read', at: 'x' })).toMatchObject({ id: 'a', state: 'read' });
  });
});
