import { NotFoundException } from '@nestjs/common';
import type { Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { GroupAccessService, type GroupScope } from '../groups/group-access.service';
import { FakeClock, newTestService } from '../../test/utils';
import { MessagingService } from './messaging.service';
import { ScheduledMessageEntity } from './scheduled-message.entity';
import { ScheduledMessagesRepository } from './scheduled-messages.repository';
import { ScheduledMessagesService } from './scheduled-messages.service';

const operator: Principal = {
  kind: 'user',
  userId: 2,
  username: 'olga',
  displayName: 'Olga',
  role: 'operator',
  sessionId: 's',
};
const olga = { kind: 'user' as const, id: 2, name: 'olga', ip: null };

const scheduled = (id: string, over: Partial<ScheduledMessageEntity> = {}): ScheduledMessageEntity => ({
  id,
  state: 'scheduled',
  senderKind: 'user',
  senderId: 1,
  senderName: 'admin',
  senderDisplay: 'Soporte',
  targetKind: 'receiver',
  targetName: 'norte',
  text: 'Inventario',
  priority: 'normal',
  ttlSeconds: 3600,
  replies: null,
  attachments: null,
  sendAt: Date.parse('2026-11-22T09:00:00Z'),
  createdAt: 0,
  updatedAt: 0,
  endedBy: null,
  problem: null,
  ...over,
});

function setup(restricted = false) {
  const clock = new FakeClock();
  const { sut, mock } = newTestService(ScheduledMessagesService, [[Clock, clock]]);
  const mocks = {
    repo: mock(ScheduledMessagesRepository),
    messaging: mock(MessagingService),
    events: mock(EventBus),
    access: mock(GroupAccessService),
  };
  mocks.access.scopeOf.mockImplementation(async (): Promise<GroupScope> =>
    restricted ? { restricted: true, allowGlobal: false, sender: 'olga', groupIds: [1] } : { restricted: false },
  );
  mocks.repo.claim.mockImplementation(async () => true);
  mocks.events.emit.mockImplementation(async () => undefined);
  return { sut, mocks, clock };
}

describe('ScheduledMessagesService.sendDue', () => {
  it('sends each due alert it could claim, then marks it sent', async () => {
    const { sut, mocks } = setup();
    mocks.repo.due.mockImplementation(async () => [scheduled('a'), scheduled('b')]);
    mocks.repo.claim.mockImplementation(async (id: string) => id === 'a');
    mocks.messaging.sendScheduled.mockImplementation(async () => null);
    await sut.sendDue();
    expect(mocks.messaging.sendScheduled.mock.calls.map(([s]) => s.id)).toEqual(['a']);
    expect(mocks.repo.finish).toHaveBeenCalledTimes(1);
    expect(mocks.repo.finish.mock.calls[0][0]).toBe('a');
  });

  it('ends one whose target is refused at its time as failed, audited', async () => {
    const { sut, mocks } = setup();
    mocks.repo.due.mockImplementation(async () => [scheduled('a')]);
    mocks.messaging.sendScheduled.mockRejectedValue(new NotFoundException('site "norte" does not exist'));
    await sut.sendDue();
    expect(mocks.repo.finish).toHaveBeenCalledWith('a', expect.any(Number), 'site "norte" does not exist');
    expect(mocks.events.emit).toHaveBeenCalledWith(
      'message.schedule_failed',
      expect.objectContaining({ actor: expect.objectContaining({ name: 'admin' }), target: 'receiver:norte' }),
    );
  });

  it('leaves one for the next round when the database fails', async () => {
    const { sut, mocks } = setup();
    mocks.repo.due.mockImplementation(async () => [scheduled('a')]);
    mocks.messaging.sendScheduled.mockRejectedValue(new Error('SQLITE_BUSY'));
    await expect(sut.sendDue()).rejects.toThrow('SQLITE_BUSY');
    expect(mocks.repo.finish).not.toHaveBeenCalled();
  });
});

describe('ScheduledMessagesService edits', () => {
  it("hides another sender's alert from a restricted operator", async () => {
    const { sut, mocks } = setup(true);
    mocks.repo.find.mockImplementation(async () => scheduled('a'));
    await expect(sut.cancel('a', operator, olga)).rejects.toThrow(/does not exist/);
    expect(mocks.repo.cancel).not.toHaveBeenCalled();
  });

  it('refuses to change one that already went out', async () => {
    const { sut, mocks } = setup();
    mocks.repo.find.mockImplementation(async () => scheduled('a', { state: 'sent' }));
    await expect(sut.update('a', { text: 'otra' }, operator, olga)).rejects.toThrow(/no longer scheduled/);
  });

  it('dismisses one that could not be sent, but does not edit it', async () => {
    const { sut, mocks } = setup();
    mocks.repo.find.mockImplementation(async () => scheduled('a', { state: 'failed', problem: 'site gone' }));
    mocks.repo.cancel.mockImplementation(async () => true);
    await expect(sut.update('a', { text: 'otra' }, operator, olga)).rejects.toThrow(/could not be sent: site gone/);
    await sut.cancel('a', operator, olga);
    expect(mocks.repo.cancel).toHaveBeenCalledWith('a', 'olga', expect.any(Number));
  });

  it('saves only what changed and audits the fields', async () => {
    const { sut, mocks } = setup();
    mocks.repo.find.mockImplementation(async () => scheduled('a'));
    mocks.repo.update.mockImplementation(async () => true);
    mocks.messaging.ttlOf.mockImplementation((ttl?: number) => ttl ?? 86_400);
    const saved = await sut.update('a', { text: 'Inventario a las 10', ttlSeconds: 600 }, operator, olga);
    expect(saved).toMatchObject({ text: 'Inventario a las 10', ttlSeconds: 600, target: { name: 'norte' } });
    expect(mocks.events.emit).toHaveBeenCalledWith(
      'message.schedule_edited',
      expect.objectContaining({ details: expect.objectContaining({ changed: ['ttlSeconds', 'text'] }) }),
    );
  });
});
