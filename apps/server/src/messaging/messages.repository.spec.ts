import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { sqliteDriverParts, type SqliteStatement } from '../database/typeorm-internals';
import { encodeFanoutPlan } from './fanout-plan';
import { DeliveryEntity, MessageEntity } from './message.entity';
import { MessagesRepository, type NewDelivery, type ReceiptRow } from './messages.repository';

const T0 = Date.parse('2026-11-22T10:00:00Z');

function message(id: string, overrides: Partial<MessageEntity> = {}): MessageEntity {
  return {
    id,
    senderKind: 'user',
    senderName: 'marin',
    senderDisplay: 'Marín',
    targetKind: 'all',
    targetName: null,
    text: `alert ${id}`,
    priority: 'normal',
    ttlSeconds: 3600,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    retractedAt: null,
    retractedBy: null,
    recipientCount: 0,
    replies: null,
    attachments: null,
    ...overrides,
  };
}

function delivery(
  messageId: string,
  receiverName: string,
  overrides: Partial<DeliveryEntity> = {},
): Omit<DeliveryEntity, 'id'> {
  return {
    messageId,
    receiverId: null,
    receiverName,
    state: 'queued',
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    endedAt: null,
    attempts: 0,
    reminders: 0,
    remindedAt: null,
    flagged: false,
    reply: null,
    repliedAt: null,
    attachmentsDownloadedAt: null,
    ...overrides,
  };
}

describe('MessagesRepository on a real SQLite file', () => {
  let db: { dataSource: DataSource; dispose: () => Promise<void> };
  let repository: MessagesRepository;
  const insert = (m: MessageEntity, rows: NewDelivery[]) => repository.insertAccepted({ message: m, rows });
  /** The delivery rows some of `receipts` changed, as stored. */
  const applyReceipts = async (receipts: ReceiptRow[]) => {
    const changed = (await Promise.all(receipts.map((r) => repository.applyReceipt(r)))).filter((r) => r !== null);
    return [...new Map(changed.map((r) => [`${r.messageId} ${r.receiverName}`, r])).values()];
  };

  beforeEach(async () => {
    db = await createTestDatabase();
    repository = new MessagesRepository(
      db.dataSource.getRepository(MessageEntity),
      db.dataSource.getRepository(DeliveryEntity),
      db.dataSource,
    );
  });

  afterEach(async () => {
    await repository.onApplicationShutdown();
    await db.dispose();
  });

  const stateOf = async (messageId: string, receiverName: string) =>
    (await db.dataSource.getRepository(DeliveryEntity).findOneByOrFail({ messageId, receiverName })).state;

  it('stores a message and a thousand delivery rows in one go', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `site-${i}`);
    await insert(
      message('m1'),
      names.map((n) => delivery('m1', n)),
    );
    expect((await repository.counts(['m1'])).get('m1')).toMatchObject({ total: 1000, queued: 1000 });
  });

  it('stores what each new copy needs and leaves receipts, reminders and the flag at their defaults', async () => {
    await insert(message('m1'), [
      delivery('m1', 'online', { receiverId: 7, state: 'sent', sentAt: T0, attempts: 1 }),
      delivery('m1', 'offline'),
    ]);
    const rows = await db.dataSource.getRepository(DeliveryEntity).find({ order: { receiverName: 'ASC' } });
    expect(rows).toEqual([
      expect.objectContaining({
        receiverName: 'offline',
        receiverId: null,
        state: 'queued',
        sentAt: null,
        attempts: 0,
      }),
      expect.objectContaining({ receiverName: 'online', receiverId: 7, state: 'sent', sentAt: T0, attempts: 1 }),
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ deliveredAt: null, readAt: null, reminders: 0, remindedAt: null, flagged: false });
      expect(row).toMatchObject({ createdAt: T0, expiresAt: T0 + 3_600_000, endedAt: null });
    }
  });

  it('stores alerts accepted together in one transaction, all or none', async () => {
    await Promise.all([
      repository.insertAccepted({ message: message('m1'), rows: [delivery('m1', 'a'), delivery('m1', 'b')] }),
      repository.insertAccepted({ message: message('m2'), rows: [delivery('m2', 'a')] }),
    ]);
    const counts = await repository.counts(['m1', 'm2']);
    expect([counts.get('m1')?.total, counts.get('m2')?.total]).toEqual([2, 1]);
    const together = [
      repository.insertAccepted({ message: message('m3'), rows: [delivery('m3', 'a')] }),
      repository.insertAccepted({ message: message('m1'), rows: [delivery('m1', 'c')] }),
    ];
    await expect(Promise.all(together)).rejects.toThrow();
    await expect(together[0]).rejects.toThrow();
    expect(await repository.findMessage('m3')).toBeNull();
  });

  it('stores nothing when a delivery row fails', async () => {
    const rows = [delivery('m1', 'a'), { ...delivery('m1', 'b'), state: null as unknown as 'queued' }];
    await expect(insert(message('m1'), rows)).rejects.toThrow();
    expect(await repository.findMessage('m1')).toBeNull();
  });

  it('moves states only forward: sent, delivered, read — and a late delivered does not undo read', async () => {
    await insert(message('m1'), [delivery('m1', 'a', { state: 'sent', sentAt: T0 + 1, attempts: 1 })]);
    expect(await stateOf('m1', 'a')).toBe('sent');
    await applyReceipts([{ messageId: 'm1', receiverName: 'a', state: 'read', at: T0 + 5 }]);
    expect(await stateOf('m1', 'a')).toBe('read');
    const changed = await applyReceipts([{ messageId: 'm1', receiverName: 'a', state: 'delivered', at: T0 + 9 }]);
    expect(changed).toHaveLength(0);
    const row = await db.dataSource.getRepository(DeliveryEntity).findOneByOrFail({ messageId: 'm1' });
    expect(row).toMatchObject({ state: 'read', deliveredAt: T0 + 5, readAt: T0 + 5, attempts: 1 });
  });

  it('stores a quick reply as a read with its text and time; the first reply a site gives stands', async () => {
    const replies = JSON.stringify(['Recibido', 'Llamadme']);
    await insert(message('q1', { replies }), [
      delivery('q1', 'a', { state: 'sent', sentAt: T0 + 1, attempts: 1 }),
      delivery('q1', 'b', { state: 'sent', sentAt: T0 + 1, attempts: 1 }),
    ]);
    expect(await repository.repliesOf('q1')).toEqual(['Recibido', 'Llamadme']);
    expect(await repository.repliesOf('nope')).toBeNull();
    await applyReceipts([
      { messageId: 'q1', receiverName: 'a', state: 'read', at: T0 + 5, reply: 'Llamadme' },
      { messageId: 'q1', receiverName: 'b', state: 'delivered', at: T0 + 5 },
    ]);
    const changed = await applyReceipts([
      { messageId: 'q1', receiverName: 'a', state: 'read', at: T0 + 9, reply: 'Recibido' },
    ]);
    expect(changed).toHaveLength(0);
    const rows = await db.dataSource.getRepository(DeliveryEntity).find({ where: { messageId: 'q1' } });
    expect(
      rows.map(({ receiverName, state, readAt, reply, repliedAt }) => ({
        receiverName,
        state,
        readAt,
        reply,
        repliedAt,
      })),
    ).toEqual([
      { receiverName: 'a', state: 'read', readAt: T0 + 5, reply: 'Llamadme', repliedAt: T0 + 5 },
      { receiverName: 'b', state: 'delivered', readAt: null, reply: null, repliedAt: null },
    ]);
    expect((await repository.repliedCounts(['q1', 'm9'])).get('q1')).toBe(1);
    expect((await repository.pendingFor('b', T0)).length).toBe(0);
  });

  it('applies a batch of receipts for many sites and alerts at once, in order within a site', async () => {
    const names = Array.from({ length: 900 }, (_, i) => `site-${i}`);
    await insert(
      message('m1'),
      names.map((n) => delivery('m1', n, { state: 'sent' })),
    );
    await insert(message('m2'), [delivery('m2', 'site-0', { state: 'sent' })]);
    const changed = await applyReceipts([
      ...names.map((n) => ({ messageId: 'm1', receiverName: n, state: 'delivered' as const, at: T0 + 10 })),
      { messageId: 'm1', receiverName: 'site-1', state: 'read', at: T0 + 20 },
      { messageId: 'm2', receiverName: 'site-0', state: 'read', at: T0 + 30 },
    ]);
    expect(changed).toHaveLength(901);
    expect((await repository.counts(['m1'])).get('m1')).toMatchObject({ total: 900, delivered: 899, read: 1 });
    const read = await db.dataSource
      .getRepository(DeliveryEntity)
      .findOneByOrFail({ messageId: 'm1', receiverName: 'site-1' });
    expect(read).toMatchObject({ deliveredAt: T0 + 10, readAt: T0 + 20 });
    expect(await db.dataSource.getRepository(DeliveryEntity).findOneByOrFail({ messageId: 'm2' })).toMatchObject({
      state: 'read',
      deliveredAt: T0 + 30,
      readAt: T0 + 30,
    });
  });

  it('moves the first receipts of many private alerts forward with one update, not one per alert', async () => {
    const sites = Array.from({ length: 300 }, (_, i) => `site-${i}`);
    for (const [i, site] of sites.entries()) {
      await insert(message(`p${i}`), [delivery(`p${i}`, site, { state: 'sent' })]);
    }
    const { raw } = sqliteDriverParts(db.dataSource);
    const run = jest.spyOn(Object.getPrototypeOf(raw.prepare('SELECT 1')) as SqliteStatement, 'run');
    const changed = await applyReceipts(
      sites.map((site, i) => ({ messageId: `p${i}`, receiverName: site, state: 'delivered' as const, at: T0 + i })),
    );
    const updates = run.mock.contexts.filter((s) => /^UPDATE "?deliveries/.test((s as { source: string }).source));
    run.mockRestore();
    expect(changed).toHaveLength(300);
    expect(updates).toHaveLength(1);
    const rows = await db.dataSource.getRepository(DeliveryEntity).find();
    expect(rows.every((r) => r.state === 'delivered' && r.deliveredAt !== null && r.deliveredAt >= T0)).toBe(true);
  });

  it('finds a batch of first receipts by their own (alert, site) pairs, not by walking every open copy', async () => {
    // A catch-up after a restart: every site has the same three alerts open, and 512 receipts come in one batch.
    const sites = Array.from({ length: 600 }, (_, i) => `site-${i}`);
    for (const id of ['a1', 'a2', 'a3']) {
      await insert(
        message(id),
        sites.map((site) => delivery(id, site, { state: 'sent' })),
      );
    }
    const { raw } = sqliteDriverParts(db.dataSource);
    const all = jest.spyOn(Object.getPrototypeOf(raw.prepare('SELECT 1')) as SqliteStatement, 'all');
    const receipts = sites
      .slice(0, 512)
      .map((site, i) => ({ messageId: `a${1 + (i % 3)}`, receiverName: site, state: 'delivered' as const, at: T0 }));
    const changed = await applyReceipts(receipts);
    const found = all.mock.contexts.flatMap((s, k) => {
      const source = (s as { source: string }).source;
      return /VALUES/.test(source) ? [{ source, params: all.mock.calls[k] as unknown[] }] : [];
    });
    all.mockRestore();
    expect(changed).toHaveLength(512);
    expect(found).toHaveLength(1);
    const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${found[0].source}`).all(...found[0].params) as { detail: string }[])
      .map((step) => step.detail)
      .join('\n');
    expect(plan).toMatch(/SEARCH d USING INDEX idx_deliveries_message_receiver \(message_id=\? AND receiver_name=\?\)/);
    expect(plan).not.toMatch(/idx_deliveries_(open_by_)?state/);
  });

  it('marks pushed copies sent and counts every push, leaving copies already delivered in their state', async () => {
    await insert(message('m1'), [
      delivery('m1', 'a'),
      delivery('m1', 'b', { state: 'sent', sentAt: T0 + 1, attempts: 1 }),
      delivery('m1', 'c', { state: 'delivered', sentAt: T0 + 1, deliveredAt: T0 + 2, attempts: 1 }),
    ]);
    const rows = await repository.deliveriesOf('m1');
    await repository.markDeliverySent(
      rows.map((r) => r.id),
      T0 + 50,
    );
    expect((await repository.deliveriesOf('m1')).map((r) => [r.receiverName, r.state, r.sentAt, r.attempts])).toEqual([
      ['a', 'sent', T0 + 50, 1],
      ['b', 'sent', T0 + 50, 2],
      ['c', 'delivered', T0 + 1, 2],
    ]);
  });

  it("writes a catch-up's push marks and the receipts arriving meanwhile in one transaction, marks first", async () => {
    await insert(message('m1'), [delivery('m1', 'a'), delivery('m1', 'b'), delivery('m1', 'c')]);
    const [a, b] = await repository.deliveriesOf('m1');
    const transactions = jest.spyOn(db.dataSource, 'transaction');
    await Promise.all([
      repository.markPushed([a.id, b.id], T0 + 50),
      repository.applyReceipt({ messageId: 'm1', receiverName: 'a', state: 'delivered', at: T0 + 60 }),
      repository.applyReceipt({ messageId: 'm1', receiverName: 'c', state: 'read', at: T0 + 70 }),
    ]);
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(
      (await repository.deliveriesOf('m1')).map((r) => [r.receiverName, r.state, r.sentAt, r.deliveredAt, r.attempts]),
    ).toEqual([
      ['a', 'delivered', T0 + 50, T0 + 60, 1],
      ['b', 'sent', T0 + 50, null, 1],
      ['c', 'read', null, T0 + 70, 0],
    ]);
  });

  it('ignores receipts for alerts the site was never sent', async () => {
    await insert(message('m1'), [delivery('m1', 'a')]);
    expect(await applyReceipts([{ messageId: 'm1', receiverName: 'b', state: 'delivered', at: T0 }])).toEqual([]);
    expect(await applyReceipts([{ messageId: 'zz', receiverName: 'a', state: 'delivered', at: T0 }])).toEqual([]);
  });

  it('hands a site its open alerts oldest first, without expired or retracted ones', async () => {
    await insert(message('late', { createdAt: T0 + 20 }), [delivery('late', 'a')]);
    await insert(message('early', { createdAt: T0 + 10 }), [delivery('early', 'a', { state: 'sent' })]);
    await insert(message('gone', { createdAt: T0 }), [delivery('gone', 'a', { expiresAt: T0 + 5 })]);
    await insert(message('pulled', { createdAt: T0 + 1 }), [delivery('pulled', 'a')]);
    await insert(message('done', { createdAt: T0 + 2 }), [delivery('done', 'a', { state: 'delivered' })]);
    await repository.retract('pulled', 'marin', T0 + 30);
    const pending = await repository.pendingFor('a', T0 + 100);
    expect(pending.map((p) => p.message.id)).toEqual(['early', 'late']);
  });

  it('cancels the open copies of a deleted site, and leaves its delivered ones and other sites alone', async () => {
    await insert(message('m1'), [
      delivery('m1', 'gone'),
      delivery('m1', 'kept'),
      delivery('m1', 'gone-too', { state: 'sent', sentAt: T0 + 1 }),
    ]);
    await insert(message('m2'), [
      delivery('m2', 'gone', { state: 'sent', sentAt: T0 + 1 }),
      delivery('m2', 'gone-too', { state: 'delivered', deliveredAt: T0 + 2 }),
    ]);
    await repository.cancelOpenFor('gone', T0 + 50);
    await repository.cancelOpenFor('gone-too', T0 + 60);
    const rows = await db.dataSource.getRepository(DeliveryEntity).find({ order: { id: 'ASC' } });
    expect(rows.map((r) => [r.messageId, r.receiverName, r.state, r.endedAt])).toEqual([
      ['m1', 'gone', 'cancelled', T0 + 50],
      ['m1', 'kept', 'queued', null],
      ['m1', 'gone-too', 'cancelled', T0 + 60],
      ['m2', 'gone', 'cancelled', T0 + 50],
      ['m2', 'gone-too', 'delivered', null],
    ]);
    expect(await repository.pendingFor('gone', T0 + 100)).toEqual([]);
    expect((await repository.pendingFor('kept', T0 + 100)).map((p) => p.message.id)).toEqual(['m1']);
  });

  it("reads a site's open copies through the index of open copies only, not one of every copy ever sent", async () => {
    // The catch-up of every connecting site and a site's deletion; an index of all copies by site grew with every
    // alert and put each one's row on a page of its own.
    const { raw } = sqliteDriverParts(db.dataSource);
    const prototype = Object.getPrototypeOf(raw.prepare('SELECT 1')) as SqliteStatement;
    const all = jest.spyOn(prototype, 'all');
    const run = jest.spyOn(prototype, 'run');
    await repository.pendingFor('a', T0);
    await repository.cancelOpenFor('a', T0);
    const asked = [all, run]
      .flatMap((spy) =>
        spy.mock.contexts.map((s, k) => ({
          source: (s as { source: string }).source,
          params: spy.mock.calls[k] as unknown[],
        })),
      )
      .filter((q) => /receiver_name = \?/.test(q.source));
    all.mockRestore();
    run.mockRestore();
    expect(asked.map((q) => q.source.trim().slice(0, 6))).toEqual(['SELECT', 'UPDATE']);
    for (const q of asked) {
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${q.source}`).all(...q.params) as { detail: string }[])
        .map((step) => step.detail)
        .join('\n');
      expect(plan).toMatch(/d USING INDEX idx_deliveries_open_by_site \(receiver_name=\? AND state=\?\)/);
      expect(plan).not.toMatch(/idx_deliveries_(open_by_)?state/);
    }
  });

  it('finds copies to send again and copies to expire through the index of open copies by state only', async () => {
    // Every few seconds; an index of all copies by state held the whole history and moved each copy at each receipt.
    await insert(message('m1'), [
      delivery('m1', 'a', { state: 'sent', sentAt: T0 }),
      delivery('m1', 'b', { state: 'delivered', sentAt: T0, deliveredAt: T0 + 1 }),
    ]);
    const { raw } = sqliteDriverParts(db.dataSource);
    const prototype = Object.getPrototypeOf(raw.prepare('SELECT 1')) as SqliteStatement;
    const all = jest.spyOn(prototype, 'all');
    expect((await repository.unconfirmedSince(T0 + 30_000, T0 + 30_000, 100)).map((d) => d.receiverName)).toEqual([
      'a',
    ]);
    expect(await repository.expireDue(T0 + 86_400_000)).toEqual([{ messageId: 'm1', receiverName: 'a' }]);
    const asked = all.mock.contexts
      .map((statement, k) => ({ source: (statement as { source: string }).source, params: all.mock.calls[k] }))
      .filter((q) => /FROM "deliveries" "d"/.test(q.source));
    all.mockRestore();
    expect(asked).toHaveLength(2);
    for (const q of asked) {
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${q.source}`).all(...q.params) as { detail: string }[])
        .map((step) => step.detail)
        .join('\n');
      expect(plan).toMatch(/SEARCH d USING INDEX idx_deliveries_open_by_state \(state=\?/);
    }
  });

  it('expires open deliveries past their time, and leaves delivered ones alone', async () => {
    await insert(message('m1'), [
      delivery('m1', 'a', { expiresAt: T0 + 10 }),
      delivery('m1', 'b', { expiresAt: T0 + 10, state: 'delivered' }),
    ]);
    expect(await repository.expireDue(T0 + 10)).toEqual([{ messageId: 'm1', receiverName: 'a' }]);
    expect(await stateOf('m1', 'a')).toBe('expired');
    expect(await stateOf('m1', 'b')).toBe('delivered');
  });

  it('retracts: open copies dropped, and answers the sites that had it in hand', async () => {
    await insert(message('m1'), [
      delivery('m1', 'queued-site'),
      delivery('m1', 'sent-site', { state: 'sent' }),
      delivery('m1', 'delivered-site', { state: 'delivered', deliveredAt: T0 + 1 }),
      delivery('m1', 'read-site', { state: 'read' }),
    ]);
    const told = await repository.retract('m1', 'marin', T0 + 50);
    expect(told.sort()).toEqual(['delivered-site', 'read-site', 'sent-site']);
    expect(await stateOf('m1', 'queued-site')).toBe('retracted');
    expect(await stateOf('m1', 'sent-site')).toBe('retracted');
    expect(await stateOf('m1', 'delivered-site')).toBe('delivered');
    expect(await stateOf('m1', 'read-site')).toBe('read');
    expect(await repository.findMessage('m1')).toMatchObject({ retractedAt: T0 + 50, retractedBy: 'marin' });
  });

  it('finds unconfirmed sends and unread urgent alerts due for a reminder', async () => {
    await insert(message('n1'), [
      delivery('n1', 'slow', { state: 'sent', sentAt: T0 }),
      delivery('n1', 'fresh', { state: 'sent', sentAt: T0 + 50_000 }),
      delivery('n1', 'missed', { state: 'queued', createdAt: T0 }),
    ]);
    const due = await repository.unconfirmedSince(T0 + 30_000, T0 + 60_000, 100);
    expect(due.map((d) => d.receiverName).sort()).toEqual(['missed', 'slow']);

    // Copies that already went through receipts and reminders are seeded as rows, not sent.
    await db.dataSource.getRepository(MessageEntity).insert(message('u1', { priority: 'urgent' }));
    await db.dataSource
      .getRepository(DeliveryEntity)
      .insert([
        delivery('u1', 'unread', { state: 'delivered', deliveredAt: T0 }),
        delivery('u1', 'read', { state: 'read', deliveredAt: T0, readAt: T0 + 1 }),
        delivery('u1', 'reminded', { state: 'delivered', deliveredAt: T0, remindedAt: T0 + 290_000, reminders: 1 }),
        delivery('u1', 'flagged', { state: 'delivered', deliveredAt: T0, reminders: 3, flagged: true }),
      ]);
    // Unread too, but not urgent, withdrawn, or expired.
    const others = {
      n2: {},
      u2: { priority: 'urgent' as const, retractedAt: T0 + 10, retractedBy: 'marin' },
      u3: { priority: 'urgent' as const, expiresAt: T0 + 200_000 },
    };
    for (const [id, overrides] of Object.entries(others)) {
      await db.dataSource.getRepository(MessageEntity).insert(message(id, overrides));
      await db.dataSource.getRepository(DeliveryEntity).insert(
        delivery(id, `unread-${id}`, {
          state: 'delivered',
          deliveredAt: T0,
          expiresAt: 'expiresAt' in overrides ? overrides.expiresAt : T0 + 3_600_000,
        }),
      );
    }
    const remind = await repository.urgentUnreadSince(T0 + 60_000, T0 + 300_000, 100);
    expect(remind.map((d) => d.receiverName)).toEqual(['unread']);
    expect(remind[0]).toMatchObject({ messageId: 'u1', state: 'delivered', flagged: false, deliveredAt: T0 });
  });

  it('finds the urgent copies due for a reminder through the live urgent alerts, not every copy ever delivered', async () => {
    const { raw } = sqliteDriverParts(db.dataSource);
    const all = jest.spyOn(Object.getPrototypeOf(raw.prepare('SELECT 1')) as SqliteStatement, 'all');
    await repository.urgentUnreadSince(T0 + 60_000, T0 + 300_000, 100);
    const asked = all.mock.contexts.map((s, k) => ({
      source: (s as { source: string }).source,
      params: all.mock.calls[k] as unknown[],
    }));
    all.mockRestore();
    expect(asked).toHaveLength(1);
    const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${asked[0].source}`).all(...asked[0].params) as { detail: string }[])
      .map((step) => step.detail)
      .join('\n');
    expect(plan).toMatch(/SCAN m\b[\s\S]*SEARCH d USING INDEX idx_deliveries_message_receiver \(message_id=\?\)/);
    expect(plan).not.toMatch(/idx_deliveries_(open_by_)?state/);
  });

  it('filters history by sender, target, text and date, newest first', async () => {
    await insert(message('a', { createdAt: T0, text: 'Caída del sistema' }), []);
    await insert(
      message('b', {
        createdAt: T0 + 86_400_000,
        senderName: 'lucia',
        targetKind: 'receiver',
        targetName: 'farmacia-1',
      }),
      [],
    );
    expect((await repository.history({ offset: 0, limit: 10 })).items.map((m) => m.id)).toEqual(['b', 'a']);
    expect((await repository.history({ sender: 'lucia', offset: 0, limit: 10 })).total).toBe(1);
    expect((await repository.history({ targetName: 'farmacia-1', offset: 0, limit: 10 })).items[0].id).toBe('b');
    expect((await repository.history({ text: 'CAÍDA', offset: 0, limit: 10 })).total).toBe(1);
    expect((await repository.history({ from: T0 + 1, offset: 0, limit: 10 })).items.map((m) => m.id)).toEqual(['b']);
  });

  describe("one alert's copies site by site", () => {
    /** Sites with display names (ids 1…n), and one alert to them plus a site deleted since (no display name). */
    beforeEach(async () => {
      const sites = [
        ['centro', 'Farmacia Centro'],
        ['norte', 'Farmacia Norte'],
        ['sur', 'Botica del Sur'],
      ];
      for (const [i, [name, display]] of sites.entries()) {
        await db.dataSource.query(
          'INSERT INTO receivers (id, name, display_name, enabled, key_hash, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)',
          [i + 1, name, display, 'x'.repeat(64), T0, T0],
        );
      }
      await insert(message('m1', { priority: 'urgent' }), [
        delivery('m1', 'centro', { receiverId: 1, state: 'sent', sentAt: T0 + 2, attempts: 1 }),
        delivery('m1', 'norte', { receiverId: 2, state: 'sent', sentAt: T0 + 1, attempts: 1 }),
        delivery('m1', 'sur', { receiverId: 3 }),
        delivery('m1', 'cerrada', { receiverId: 99 }),
      ]);
      await applyReceipts([{ messageId: 'm1', receiverName: 'norte', state: 'read', at: T0 + 5 }]);
    });
    const page = async (filter: Partial<Parameters<MessagesRepository['deliveriesPage']>[1]>) => {
      const result = await repository.deliveriesPage('m1', { sort: 'receiver', order: 'asc', offset: 0, ...filter });
      return { total: result.total, names: result.items.map((i) => i.delivery.receiverName), items: result.items };
    };

    it('filters by states and by a part of the site name or display name, counting what matches', async () => {
      expect((await page({ states: ['queued'] })).names).toEqual(['cerrada', 'sur']);
      expect((await page({ states: ['read', 'sent'] })).names).toEqual(['centro', 'norte']);
      expect((await page({ text: 'FARMACIA' })).names).toEqual(['centro', 'norte']);
      expect((await page({ text: 'sur' })).names).toEqual(['sur']);
      expect((await page({ text: '%' })).total).toBe(0);
      const all = await page({});
      expect(all.items.map((i) => i.displayName)).toEqual([
        'Farmacia Centro',
        null,
        'Farmacia Norte',
        'Botica del Sur',
      ]);
    });

    it('sorts by display name, state or a time either way, null times last, and pages', async () => {
      expect((await page({ sort: 'displayName' })).names).toEqual(['sur', 'cerrada', 'centro', 'norte']);
      expect((await page({ sort: 'state', order: 'desc' })).names).toEqual(['norte', 'centro', 'cerrada', 'sur']);
      expect((await page({ sort: 'sentAt' })).names).toEqual(['norte', 'centro', 'cerrada', 'sur']);
      expect((await page({ sort: 'sentAt', order: 'desc' })).names).toEqual(['centro', 'norte', 'cerrada', 'sur']);
      expect(await page({ sort: 'displayName', offset: 1, limit: 2 })).toMatchObject({
        total: 4,
        names: ['cerrada', 'centro'],
      });
    });

    it('lists the unread copies not expired, and counts a re-send as a reminder and a push', async () => {
      const unread = await repository.unreadCopies('m1', T0 + 10);
      expect(unread.map((d) => d.receiverName)).toEqual(['centro', 'cerrada', 'sur']);
      expect(await repository.unreadCopies('m1', T0 + 3_600_000)).toEqual([]);
      await repository.recordResent(
        unread.filter((d) => d.receiverName !== 'cerrada').map((d) => d.id),
        T0 + 20,
      );
      const rows = await db.dataSource.getRepository(DeliveryEntity).find({ order: { receiverName: 'ASC' } });
      expect(rows.map((r) => [r.receiverName, r.state, r.reminders, r.remindedAt, r.attempts, r.sentAt])).toEqual([
        ['centro', 'sent', 1, T0 + 20, 2, T0 + 20],
        ['cerrada', 'queued', 0, null, 0, null],
        ['norte', 'read', 0, null, 1, T0 + 1],
        ['sur', 'sent', 1, T0 + 20, 1, T0 + 20],
      ]);
    });

    it('filters the history by priority', async () => {
      await insert(message('m2'), []);
      expect((await repository.history({ priority: 'urgent', offset: 0, limit: 10 })).items.map((m) => m.id)).toEqual([
        'm1',
      ]);
    });
  });

  it("answers the dashboard: today's copies and reads, times per day, newest alerts, and flagged unread urgent ones", async () => {
    const rows = db.dataSource.getRepository(DeliveryEntity);
    await insert(message('old', { createdAt: T0 - 86_400_000 }), []);
    await insert(message('a', { createdAt: T0 + 1 }), []);
    await insert(message('u', { createdAt: T0 + 2, priority: 'urgent' }), []);
    await insert(message('gone', { createdAt: T0 + 3, priority: 'urgent', retractedAt: T0 + 4 }), []);
    await rows.insert([
      delivery('a', 's1', { state: 'read' }),
      delivery('a', 's2', { state: 'delivered' }),
      delivery('a', 's3', { state: 'retracted' }),
      delivery('u', 's3', { state: 'delivered', flagged: true }),
      delivery('u', 's1', { state: 'delivered', flagged: true }),
      delivery('u', 's2', { state: 'read', flagged: true }),
      delivery('gone', 's1', { state: 'delivered', flagged: true }),
      delivery('old', 's1', { state: 'read' }),
    ]);
    expect(await repository.sentSince(T0, undefined)).toEqual({ alerts: 3, copies: 6, read: 2 });
    const day = 86_400_000;
    expect(await repository.countPerPeriod([T0 - 2 * day, T0 - day, T0, T0 + 3])).toEqual([0, 1, 2, 1]);
    expect(await repository.countPerPeriod([T0 - day + 1, T0 + 2])).toEqual([1, 2]);
    expect(await repository.countPerPeriod([T0], { sender: 'otro', groupIds: [] })).toEqual([0]);
    expect(await repository.countPerPeriod([])).toEqual([]);
    expect((await repository.latest(2)).map((m) => m.id)).toEqual(['gone', 'u']);
    // Read (s2) and withdrawn alerts are left out; an expired alert too.
    expect(await repository.flaggedUnread(T0 - 1, T0 + 10, 20)).toEqual([
      { message: { id: 'u', text: 'alert u', senderDisplay: 'Marín', createdAt: T0 + 2 }, sites: 2 },
    ]);
    expect(await repository.flaggedUnreadSites('u', 10)).toEqual(['s1', 's3']);
    expect(await repository.flaggedUnread(T0 - 1, T0 + 3_600_000 + 10, 20)).toEqual([]);
    // A restricted operator's limit: only its own alerts here ("marin" sent them all; "otro" none).
    expect(await repository.sentSince(T0, { sender: 'otro', groupIds: [] })).toEqual({ alerts: 0, copies: 0, read: 0 });
    expect(await repository.sentSince(T0, { sender: 'marin', groupIds: [] })).toMatchObject({ alerts: 3 });
  });

  describe('an alert to many sites, its rows written after the push', () => {
    const rows = () => [
      delivery('g1', 'a', { receiverId: 1, state: 'sent', sentAt: T0, attempts: 1 }),
      delivery('g1', 'b', { receiverId: 2 }),
      delivery('g1', 'c', { receiverId: 3, state: 'expired', endedAt: T0 }),
      delivery('g1', 'd', { receiverId: 4, state: 'sent', sentAt: T0, attempts: 1 }),
    ];
    const plans = async () => (await db.dataSource.query('SELECT message_id FROM pending_fanouts')) as unknown[];
    const stored = () => db.dataSource.getRepository(DeliveryEntity).find({ order: { receiverName: 'ASC' } });
    const states = async () =>
      (await stored()).map((r) => [r.receiverName, r.state, r.sentAt, r.deliveredAt, r.readAt, r.endedAt, r.attempts]);
    const until = async (check: () => Promise<boolean>) => {
      while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
    };

    it('commits the alert with the plan of its rows; a catch-up and the counts get every row written', async () => {
      await repository.insertAccepted({ message: message('g1'), rows: rows(), rowsAfterPush: true });
      // Committed and answerable now, before a single row: the push goes first.
      expect(await plans()).toEqual([{ message_id: 'g1' }]);
      expect(await stored()).toEqual([]);
      const [catchUp, counts] = await Promise.all([repository.pendingFor('b', T0 + 5), repository.counts(['g1'])]);
      expect(catchUp.map((p) => p.message.id)).toEqual(['g1']);
      expect(counts.get('g1')).toMatchObject({ total: 4, sent: 2, queued: 1, expired: 1 });
      expect(await plans()).toEqual([]);
      expect(
        (await stored()).map((r) => [r.receiverName, r.receiverId, r.state, r.sentAt, r.endedAt, r.attempts]),
      ).toEqual([
        ['a', 1, 'sent', T0, null, 1],
        ['b', 2, 'queued', null, null, 0],
        ['c', 3, 'expired', null, T0, 0],
        ['d', 4, 'sent', T0, null, 1],
      ]);
    });

    it('writes an answered copy once, with its receipt; the rest once every site pushed to has answered', async () => {
      await repository.insertAccepted({ message: message('g1'), rows: rows(), rowsAfterPush: true });
      const first = await repository.applyReceipt({
        messageId: 'g1',
        receiverName: 'a',
        state: 'delivered',
        at: T0 + 5,
      });
      expect(first).toMatchObject({ receiverName: 'a', state: 'delivered', deliveredAt: T0 + 5, reminders: 0 });
      // Stored when answered: the answered copy is in the table, the others still planned and counted as planned.
      expect(await states()).toEqual([['a', 'delivered', T0, T0 + 5, null, null, 1]]);
      expect(await plans()).toEqual([{ message_id: 'g1' }]);
      expect((await repository.counts(['g1'], 'counted')).get('g1')).toMatchObject({
        total: 4,
        sent: 1,
        delivered: 1,
        queued: 1,
        expired: 1,
      });
      expect(await stored()).toHaveLength(1);
      // A second receipt of the same site in one batch, and a site's first one as `read`.
      const [again, read] = await Promise.all([
        repository.applyReceipt({ messageId: 'g1', receiverName: 'a', state: 'read', at: T0 + 6 }),
        repository.applyReceipt({ messageId: 'g1', receiverName: 'd', state: 'read', at: T0 + 7 }),
      ]);
      expect(again).toMatchObject({ receiverName: 'a', state: 'read', deliveredAt: T0 + 5, readAt: T0 + 6 });
      expect(read).toMatchObject({ receiverName: 'd', state: 'read', deliveredAt: T0 + 7, readAt: T0 + 7 });
      // Every site pushed to has answered: the queued and expired copies follow, and the plan goes.
      await until(async () => (await plans()).length === 0);
      expect(await states()).toEqual([
        ['a', 'read', T0, T0 + 5, T0 + 6, null, 1],
        ['b', 'queued', null, null, null, null, 0],
        ['c', 'expired', null, null, null, T0, 0],
        ['d', 'read', T0, T0 + 7, T0 + 7, null, 1],
      ]);
      expect((await repository.counts(['g1'], 'counted')).get('g1')).toMatchObject({ total: 4, read: 2 });
      // A receipt for an expired copy changes nothing, before or after its row is written.
      expect(await repository.applyReceipt({ messageId: 'g1', receiverName: 'c', state: 'read', at: T0 + 8 })).toBe(
        null,
      );
    });

    it("writes a site's own planned copies when it catches up, leaving the others planned for their receipts", async () => {
      await repository.insertAccepted({ message: message('g1'), rows: rows(), rowsAfterPush: true });
      expect((await repository.pendingFor('b', T0 + 5)).map((p) => p.message.id)).toEqual(['g1']);
      expect(await states()).toEqual([['b', 'queued', null, null, null, null, 0]]);
      expect(await plans()).toEqual([{ message_id: 'g1' }]);
      // A receipt for another site still writes that site's copy, received.
      expect(
        await repository.applyReceipt({ messageId: 'g1', receiverName: 'a', state: 'delivered', at: T0 + 6 }),
      ).toMatchObject({ receiverName: 'a', state: 'delivered', deliveredAt: T0 + 6 });
      expect((await repository.counts(['g1'], 'counted')).get('g1')).toMatchObject({
        total: 4,
        queued: 1,
        delivered: 1,
        sent: 1,
        expired: 1,
      });
      expect((await stored()).map((r) => r.receiverName)).toEqual(['a', 'b']);
      // Its catch-up again finds its row; nothing is written twice.
      expect((await repository.pendingFor('b', T0 + 7)).map((p) => p.message.id)).toEqual(['g1']);
      expect((await repository.deliveriesOf('g1')).map((r) => [r.receiverName, r.state])).toEqual([
        ['a', 'delivered'],
        ['b', 'queued'],
        ['c', 'expired'],
        ['d', 'sent'],
      ]);
    });

    it('writes the rows of an alert pushed to no site right after the push: no receipt to wait for', async () => {
      const offline = rows().map((r) => ({ ...r, state: r.state === 'sent' ? ('queued' as const) : r.state }));
      await repository.insertAccepted({ message: message('g1'), rows: offline, rowsAfterPush: true });
      await new Promise((resolve) => setImmediate(resolve));
      // Counting as planned runs after any write of planned rows already started, and starts none.
      await repository.counts(['g1'], 'counted');
      expect(await plans()).toEqual([]);
      expect((await stored()).map((r) => [r.receiverName, r.state])).toEqual([
        ['a', 'queued'],
        ['b', 'queued'],
        ['c', 'expired'],
        ['d', 'queued'],
      ]);
    });

    it('writes the rest when a site pushed to has not answered within the window, then takes its receipt', async () => {
      await repository.insertAccepted({ message: message('g1'), rows: rows(), rowsAfterPush: true });
      await repository.applyReceipt({ messageId: 'g1', receiverName: 'a', state: 'delivered', at: T0 + 5 });
      await until(async () => (await plans()).length === 0);
      expect((await stored()).map((r) => [r.receiverName, r.state])).toEqual([
        ['a', 'delivered'],
        ['b', 'queued'],
        ['c', 'expired'],
        ['d', 'sent'],
      ]);
      expect(
        await repository.applyReceipt({ messageId: 'g1', receiverName: 'd', state: 'delivered', at: T0 + 2_500 }),
      ).toMatchObject({ receiverName: 'd', state: 'delivered', deliveredAt: T0 + 2_500 });
    });

    it('leaves an expired copy planned when a receipt comes for it, and writes it with the rest', async () => {
      await repository.insertAccepted({ message: message('g1'), rows: rows(), rowsAfterPush: true });
      expect(await repository.applyReceipt({ messageId: 'g1', receiverName: 'c', state: 'read', at: T0 + 5 })).toBe(
        null,
      );
      expect(await stored()).toEqual([]);
      expect((await repository.deliveriesOf('g1')).map((r) => [r.receiverName, r.state, r.readAt])).toEqual([
        ['a', 'sent', null],
        ['b', 'queued', null],
        ['c', 'expired', null],
        ['d', 'sent', null],
      ]);
      expect(await plans()).toEqual([]);
    });

    it('keeps the plan when a write fails; a receipt is refused, what reads the rows waits until they are written', async () => {
      await db.dataSource.query(
        "CREATE TEMP TRIGGER full_disk BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
      );
      await repository.insertAccepted({ message: message('g1'), rows: rows(), rowsAfterPush: true });
      const failures = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      // Not stored, so not acknowledged: the site keeps it and sends it again.
      await expect(
        repository.applyReceipt({ messageId: 'g1', receiverName: 'a', state: 'delivered', at: T0 + 5 }),
      ).rejects.toThrow('database or disk is full');
      let answered = false;
      const catchUp = repository.pendingFor('b', T0 + 5).finally(() => (answered = true));
      // Until the first try and a retry have failed.
      while (failures.mock.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(answered).toBe(false);
      expect(await plans()).toEqual([{ message_id: 'g1' }]);
      await db.dataSource.query('DROP TRIGGER full_disk');
      expect((await catchUp).map((p) => p.message.id)).toEqual(['g1']);
      expect(await plans()).toEqual([]);
      expect(
        await repository.applyReceipt({ messageId: 'g1', receiverName: 'a', state: 'delivered', at: T0 + 9 }),
      ).toMatchObject({ receiverName: 'a', state: 'delivered', deliveredAt: T0 + 9 });
      expect((await stored()).map((r) => [r.receiverName, r.state])).toEqual([
        ['a', 'delivered'],
        ['b', 'queued'],
        ['c', 'expired'],
        ['d', 'sent'],
      ]);
      failures.mockRestore();
      warnings.mockRestore();
    });

    it('writes the rows a stopped server had planned at the next start, before any site catches up', async () => {
      await repository.insertAccepted({ message: message('g1'), rows: [] });
      await db.dataSource.query('INSERT INTO pending_fanouts (message_id, plan) VALUES (?, ?)', [
        'g1',
        encodeFanoutPlan(rows()),
      ]);
      const restarted = new MessagesRepository(
        db.dataSource.getRepository(MessageEntity),
        db.dataSource.getRepository(DeliveryEntity),
        db.dataSource,
      );
      restarted.onModuleInit();
      expect((await restarted.pendingFor('a', T0 + 5)).map((p) => p.message.id)).toEqual(['g1']);
      expect((await stored()).map((r) => [r.receiverName, r.state])).toEqual([
        ['a', 'sent'],
        ['b', 'queued'],
        ['c', 'expired'],
        ['d', 'sent'],
      ]);
      expect(await plans()).toEqual([]);
    });

    it('after a kill -9, writes at the next start only the planned rows not already written with a receipt', async () => {
      await repository.insertAccepted({ message: message('g1'), rows: rows(), rowsAfterPush: true });
      await repository.applyReceipt({ messageId: 'g1', receiverName: 'd', state: 'read', at: T0 + 5 });
      // The process dies here: its plan stands, with one copy written.
      expect(await plans()).toEqual([{ message_id: 'g1' }]);
      const restarted = new MessagesRepository(
        db.dataSource.getRepository(MessageEntity),
        db.dataSource.getRepository(DeliveryEntity),
        db.dataSource,
      );
      restarted.onModuleInit();
      expect((await restarted.pendingFor('a', T0 + 6)).map((p) => p.message.id)).toEqual(['g1']);
      expect(await states()).toEqual([
        ['a', 'sent', T0, null, null, null, 1],
        ['b', 'queued', null, null, null, null, 0],
        ['c', 'expired', null, null, null, T0, 0],
        ['d', 'read', T0, T0 + 5, T0 + 5, null, 1],
      ]);
      expect(await plans()).toEqual([]);
      await restarted.onApplicationShutdown();
    });
  });
});
