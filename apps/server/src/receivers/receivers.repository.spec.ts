import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { RedisConnection } from '../cluster/redis-connection';
import { createTestDatabase } from '../../test/utils';
import { ReceiverConnectionEntity, ReceiverEntity } from './receiver.entity';
import { ReceiversRepository } from './receivers.repository';

/** A new site's row, as the service creates it. */
const site = (name: string, displayName = name): Omit<ReceiverEntity, 'id'> => ({
  name,
  displayName,
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
      { client: null } as RedisConnection,
    );
    const created = await repository.create(site('sur', 'Farmacia Sur'));
    siteId = created.id;
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

describe('ReceiversRepository site identities', () => {
  let dataSource: DataSource;
  let dispose: () => Promise<void>;
  const repositoryOf = (client: object | null) =>
    new ReceiversRepository(
      dataSource.getRepository(ReceiverEntity),
      dataSource.getRepository(ReceiverConnectionEntity),
      dataSource,
      { client } as RedisConnection,
    );
  /** What another process (or another instance) writes, past this repository. */
  const elsewhere = (sql: string) => dataSource.query(sql);

  beforeEach(async () => {
    ({ dataSource, dispose } = await createTestDatabase());
  });
  afterEach(() => dispose());

  it('on one server answers a site it found from memory, and reads again after any write to a site', async () => {
    const repository = repositoryOf(null);
    const { id } = await repository.create(site('sur'));
    expect(await repository.findIdentity('sur')).toEqual({ id, name: 'sur', enabled: true });
    await elsewhere("UPDATE receivers SET enabled = 0 WHERE name = 'sur'");
    expect(await repository.findIdentity('sur')).toEqual({ id, name: 'sur', enabled: true });

    await repository.update(id, { displayName: 'Farmacia Sur' });
    expect(await repository.findIdentity('sur')).toEqual({ id, name: 'sur', enabled: false });
    await repository.update(id, { enabled: true });
    expect(await repository.findIdentity('sur')).toEqual({ id, name: 'sur', enabled: true });
    await repository.delete(id);
    expect(await repository.findIdentity('sur')).toBeNull();
    expect(await repository.findIdentity('norte')).toBeNull();
    const norte = await repository.create(site('norte'));
    expect(await repository.findIdentity('norte')).toEqual({ id: norte.id, name: 'norte', enabled: true });
    await repository.onApplicationShutdown();
  });

  it('does not keep what a read found when a write ended while it was reading', async () => {
    const repository = repositoryOf(null);
    const { id } = await repository.create(site('sur'));
    const query = dataSource.query.bind(dataSource);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(dataSource, 'query').mockImplementationOnce(async (sql: string, params?: unknown[]) => {
      const rows: unknown = await query(sql, params);
      await gate;
      return rows;
    });
    const reading = repository.findIdentity('sur');
    await repository.update(id, { enabled: false });
    release();
    expect(await reading).toEqual({ id, name: 'sur', enabled: true });
    expect(await repository.findIdentity('sur')).toEqual({ id, name: 'sur', enabled: false });
    await repository.onApplicationShutdown();
  });

  it('on one server keeps the enabled sites of a global alert until a site is created, changed or removed', async () => {
    const repository = repositoryOf(null);
    const names = async () => (await repository.listEnabledNames()).map((s) => s.name);
    const sur = await repository.create(site('sur'));
    expect(await repository.listEnabledNames()).toEqual([{ id: sur.id, name: 'sur' }]);
    await elsewhere("UPDATE receivers SET enabled = 0 WHERE name = 'sur'");
    expect(await names()).toEqual(['sur']);

    await repository.create(site('norte'));
    expect(await names()).toEqual(['norte']);
    await repository.createMany([site('este'), site('oeste')]);
    expect(await names()).toEqual(['este', 'norte', 'oeste']);
    await repository.update(sur.id, { enabled: true });
    expect(await names()).toEqual(['este', 'norte', 'oeste', 'sur']);
    await repository.update(sur.id, { enabled: false });
    expect(await names()).toEqual(['este', 'norte', 'oeste']);
    const este = (await repository.listEnabledNames()).find((s) => s.name === 'este')!;
    await repository.delete(este.id);
    expect(await names()).toEqual(['norte', 'oeste']);
    await expect(repository.createMany([site('oeste')])).rejects.toThrow();
    await elsewhere("UPDATE receivers SET enabled = 0 WHERE name = 'oeste'");
    await expect(repository.createMany([site('norte')])).rejects.toThrow();
    expect(await names()).toEqual(['norte']);
    await repository.onApplicationShutdown();
  });

  it("on one server keeps every site's handshake credentials until a write to a site", async () => {
    const repository = repositoryOf(null);
    const { id } = await repository.create(site('sur', 'Farmacia Sur'));
    const credentials = { id, name: 'sur', displayName: 'Farmacia Sur', enabled: true, keyHash: 'x'.repeat(64) };
    expect(await repository.findCredentials('sur')).toEqual(credentials);
    await elsewhere("UPDATE receivers SET key_hash = 'old' WHERE name = 'sur'");
    expect(await repository.findCredentials('sur')).toEqual(credentials);

    // A new key, a disabled site, a deleted one: the next handshake checks what is stored now.
    await repository.update(id, { keyHash: 'y'.repeat(64) });
    expect(await repository.findCredentials('sur')).toEqual({ ...credentials, keyHash: 'y'.repeat(64) });
    await repository.update(id, { enabled: false });
    expect(await repository.findCredentials('sur')).toEqual({
      ...credentials,
      keyHash: 'y'.repeat(64),
      enabled: false,
    });
    await repository.delete(id);
    expect(await repository.findCredentials('sur')).toBeNull();

    expect(await repository.findCredentials('norte')).toBeNull();
    await repository.createMany([{ ...site('norte', 'Norte'), keyHash: 'z'.repeat(64) }]);
    expect(await repository.findCredentials('norte')).toMatchObject({ name: 'norte', keyHash: 'z'.repeat(64) });
    await repository.onApplicationShutdown();
  });

  it('on one server answers the handshakes of many sites, and of names that are no site, with one read', async () => {
    const repository = repositoryOf(null);
    await repository.createMany([site('norte'), site('sur'), site('este')]);
    const reads = jest.spyOn(dataSource, 'query');
    const found = await Promise.all(['norte', 'sur', 'nadie', 'este'].map((n) => repository.findCredentials(n)));
    expect(found.map((c) => c?.name ?? null)).toEqual(['norte', 'sur', null, 'este']);
    expect(await repository.findCredentials('otro')).toBeNull();
    expect(await repository.findCredentials('sur')).toMatchObject({ name: 'sur', enabled: true });
    expect(reads).toHaveBeenCalledTimes(1);
    await repository.onApplicationShutdown();
  });

  it('with several instances reads on every call', async () => {
    const repository = repositoryOf({});
    const { id } = await repository.create(site('sur'));
    expect(await repository.findIdentity('sur')).toEqual({ id, name: 'sur', enabled: true });
    await elsewhere("UPDATE receivers SET enabled = 0 WHERE name = 'sur'");
    expect(await repository.findIdentity('sur')).toEqual({ id, name: 'sur', enabled: false });
    expect(await repository.listEnabledNames()).toEqual([]);
    expect(await repository.findCredentials('sur')).toMatchObject({ id, enabled: false });
    await repository.onApplicationShutdown();
  });
});
