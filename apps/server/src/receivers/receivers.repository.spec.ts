import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { ReceiverConnectionEntity, ReceiverEntity } from './receiver.entity';
import { ReceiversRepository } from './receivers.repository';

describe('ReceiversRepository connection records', () => {
  let dataSource: DataSource;
  let dispose: () => Promise<void>;
  let repository: ReceiversRepository;
  let siteId: number;

  beforeEach(async () => {
    ({ dataSource, dispose } = await createTestDatabase());
    repository = new ReceiversRepository(
      dataSource.getRepository(ReceiverEntity),
      dataSource.getRepository(ReceiverConnectionEntity),
      dataSource,
    );
    const site = await repository.create({
      name: 'sur',
      displayName: 'Farmacia Sur',
      enabled: true,
      keyHash: 'x'.repeat(64),
      createdAt: 1_000,
      updatedAt: 1_000,
      lastSeenAt: null,
      clientVersion: null,
      postalAddress: null,
      phone: null,
      region: null,
      tags: [],
      notes: null,
    });
    siteId = site.id;
  });
  afterEach(async () => {
    await repository.onApplicationShutdown();
    await dispose();
  });

  const history = async () =>
    (await repository.lastConnections(siteId, 5)).map((c) => ({
      connectedAt: c.connectedAt,
      disconnectedAt: c.disconnectedAt,
      endReason: c.endReason,
    }));

  it('closes the connection that ended, and keeps open one the site opened after it began', async () => {
    repository.connectionOpened(siteId, 10_000, '10.0.0.1', '1.0.0');
    expect(await history()).toEqual([{ connectedAt: 10_000, disconnectedAt: null, endReason: null }]);
    // The instance holding it died; the site reconnected elsewhere before the sweep recorded the loss.
    repository.connectionOpened(siteId, 20_000, '10.0.0.1', '1.0.0');
    repository.connectionClosed(siteId, 10_000, 25_000, 'server instance lost');
    expect(await history()).toEqual([
      { connectedAt: 20_000, disconnectedAt: null, endReason: null },
      { connectedAt: 10_000, disconnectedAt: 25_000, endReason: 'server instance lost' },
    ]);
    repository.connectionClosed(siteId, 20_000, 30_000, 'transport close');
    expect(await history()).toEqual([
      { connectedAt: 20_000, disconnectedAt: 30_000, endReason: 'transport close' },
      { connectedAt: 10_000, disconnectedAt: 25_000, endReason: 'server instance lost' },
    ]);
  });
});
