import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, Repository } from 'typeorm';
import { RedisConnection } from '../cluster/redis-connection';
import { SingleServerMemo } from '../cluster/single-server-memo';
import { chunks } from '../database/batches';
import { EntityStatements } from '../database/entity-statements';
import { Sql, Statement } from '../database/sql';
import { WriteBatcher } from '../database/write-batcher';
import { ReceiverConnectionEntity, ReceiverEntity } from './receiver.entity';

export interface OpenedEvent {
  kind: 'opened';
  receiverId: number;
  ip: string | null;
  clientVersion: string | null;
  at: number;
}

export interface ClosedEvent {
  kind: 'closed';
  receiverId: number;
  /** When the connection that ended began: a row opened later is a newer connection's, and stays open. */
  since: number;
  reason: string;
  at: number;
}

export type ConnectionEvent = OpenedEvent | ClosedEvent;

export type SiteIdentity = Pick<ReceiverEntity, 'id' | 'name' | 'enabled'>;

/** What a site's handshake needs of it. */
export type SiteCredentials = Readonly<Pick<ReceiverEntity, 'id' | 'name' | 'displayName' | 'enabled' | 'keyHash'>>;
const CREDENTIALS = ['id', 'name', 'displayName', 'enabled', 'keyHash'] as const;

export type EnabledSite = Readonly<Pick<ReceiverEntity, 'id' | 'name'>>;

export interface SiteLastSeen {
  name: string;
  displayName: string;
  enabled: boolean;
  lastSeenAt: number | null;
  createdAt: number;
}

/** Consecutive events of the same kind, in their order: opens are inserted together, closes applied together. */
function runsOfKind(events: readonly ConnectionEvent[]): ConnectionEvent[][] {
  const runs: ConnectionEvent[][] = [];
  for (const event of events) {
    const last = runs.at(-1);
    if (last && last[0].kind === event.kind) last.push(event);
    else runs.push([event]);
  }
  return runs;
}

@Injectable()
export class ReceiversRepository implements OnApplicationShutdown {
  private readonly logger = new Logger(ReceiversRepository.name);
  /** Every private alert looks its site up; every connection and disconnection is recorded. */
  private readonly fixed: EntityStatements<ReceiverEntity>;
  private readonly fixedConnections: EntityStatements<ReceiverConnectionEntity>;
  private readonly sql: Sql;
  /** Sites found by name, on a single server, until a write to a site (each passes through here). */
  private readonly identities: SingleServerMemo<string, SiteIdentity | null>;
  /** Every site's handshake credentials by name, on a single server, until a write to a site. */
  private readonly credentials: SingleServerMemo<'every site', ReadonlyMap<string, SiteCredentials>>;
  /** Every enabled site, on a single server, until a site is added, changed or removed (each passes through here). */
  private readonly enabled: SingleServerMemo<'enabled', readonly EnabledSite[]>;

  constructor(
    @InjectRepository(ReceiverEntity) private readonly receivers: Repository<ReceiverEntity>,
    @InjectRepository(ReceiverConnectionEntity) private readonly connections: Repository<ReceiverConnectionEntity>,
    private readonly dataSource: DataSource,
    redis: RedisConnection,
  ) {
    this.identities = new SingleServerMemo(redis);
    this.credentials = new SingleServerMemo(redis);
    this.enabled = new SingleServerMemo(redis);
    this.sql = Sql.for(dataSource);
    this.fixed = new EntityStatements(dataSource, ReceiverEntity);
    this.fixedConnections = new EntityStatements(dataSource, ReceiverConnectionEntity);
  }

  /**
   * The connection history and each site's last-seen time, written in batches: after a restart thousands of sites
   * connect within seconds, and one transaction per handshake would cost one disk sync each — a sync that holds
   * the event loop for a few milliseconds, so a quarter of a second per batch (not 25 ms) during such a burst.
   * A crash may lose the last quarter second of history; open rows left by it are closed at the next start. The
   * reads that show last-seen times or history write what waits first.
   */
  private readonly journal = new WriteBatcher<ConnectionEvent>((events) => this.recordConnections(events), {
    delayMs: 250,
    maxItems: 1000,
  });

  connectionOpened(receiverId: number, at: number, ip: string | null, clientVersion: string | null): void {
    this.journalize({ kind: 'opened', receiverId, at, ip, clientVersion });
  }

  connectionClosed(receiverId: number, since: number, at: number, reason: string): void {
    this.journalize({ kind: 'closed', receiverId, since, at, reason });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.journal.flush();
  }

  private journalize(event: ConnectionEvent): void {
    this.journal
      .add(event)
      .catch((error: unknown) => this.logger.warn(`could not record a site's connection: ${String(error)}`));
  }

  /** Every site, with its latest last-seen time and version. */
  async list(): Promise<ReceiverEntity[]> {
    await this.journal.flush();
    return this.receivers.find({ order: { name: 'ASC' } });
  }

  /** Every site in a few columns, for counting who is offline and since when (latest last-seen times). */
  async lastSeen(): Promise<SiteLastSeen[]> {
    await this.journal.flush();
    const s = this.sql.statement`SELECT name, display_name, enabled, last_seen_at, created_at FROM receivers`;
    const rows = (await this.dataSource.query(s.text, s.params)) as {
      name: string;
      display_name: string;
      enabled: boolean | number;
      last_seen_at: number | string | null;
      created_at: number | string;
    }[];
    return rows.map((r) => ({
      name: r.name,
      displayName: r.display_name,
      enabled: !!r.enabled,
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
      createdAt: Number(r.created_at),
    }));
  }

  /**
   * Every global alert starts here, on the path to the first site: read once (ten thousand rows cost a few
   * milliseconds of each alert's first arrival), then kept until a site is written.
   */
  listEnabledNames(): Promise<readonly EnabledSite[]> {
    return this.enabled.get(
      'enabled',
      () => this.readEnabledNames(),
      () => true,
    );
  }

  private async readEnabledNames(): Promise<EnabledSite[]> {
    const s = this.sql.statement`SELECT id, name FROM receivers WHERE enabled = ${true} ORDER BY name ASC`;
    const rows = (await this.dataSource.query(s.text, s.params)) as { id: number | string; name: string }[];
    return rows.map((r) => Object.freeze({ id: Number(r.id), name: r.name }));
  }

  findByNames(names: string[]): Promise<ReceiverEntity[]> {
    return names.length ? this.receivers.findBy({ name: In(names) }) : Promise.resolve([]);
  }

  /** The site with its latest last-seen time and version. */
  async current(name: string): Promise<ReceiverEntity | null> {
    await this.journal.flush();
    return this.findByName(name);
  }

  /** The site as stored (last-seen times may lag by the journal's batch: for handshakes and lookups). */
  findByName(name: string): Promise<ReceiverEntity | null> {
    return this.fixed.findOneBy('name', name);
  }

  /**
   * What a site's handshake checks. On a single server every site's is read at the first handshake and kept until a
   * write to a site: after a restart or a network outage on the server's side every site comes back within a minute,
   * and one read of 10,000 sites (15 ms) costs what about 400 reads of one site did. A name that is no site is then
   * answered without reading anything, so a stranger's guesses cost nothing either.
   */
  async findCredentials(name: string): Promise<SiteCredentials | null> {
    if (!this.credentials.keeps) return this.fixed.findFieldsBy('name', name, CREDENTIALS);
    const sites = await this.credentials.get(
      'every site',
      () => this.readAllCredentials(),
      () => true,
    );
    return sites.get(name) ?? null;
  }

  private async readAllCredentials(): Promise<ReadonlyMap<string, SiteCredentials>> {
    const rows = await this.fixed.findAllFields(CREDENTIALS);
    return new Map(rows.map((site) => [site.name, Object.freeze(site)]));
  }

  /** Who a site is, for an alert sent to it by name (on every such call). */
  findIdentity(name: string): Promise<SiteIdentity | null> {
    return this.identities.get(
      name,
      () => this.fixed.findFieldsBy('name', name, ['id', 'name', 'enabled']),
      (found) => found !== null,
    );
  }

  create(receiver: Omit<ReceiverEntity, 'id'>): Promise<ReceiverEntity> {
    return this.writeSites(() => this.receivers.save(this.receivers.create(receiver)));
  }

  /** All or nothing: one transaction for the whole batch. */
  createMany(receivers: Omit<ReceiverEntity, 'id'>[]): Promise<void> {
    return this.writeSites(() =>
      this.dataSource.transaction(async (manager) => {
        for (const batch of chunks(receivers)) await manager.insert(ReceiverEntity, batch);
      }),
    );
  }

  async update(id: number, changes: Partial<Omit<ReceiverEntity, 'id'>>): Promise<void> {
    await this.writeSites(() => this.receivers.update({ id }, changes));
  }

  async delete(id: number): Promise<void> {
    await this.journal.flush();
    await this.writeSites(() => this.receivers.delete({ id }));
  }

  /** Every write to the sites: what was read of them before may be stale after it, even after one that failed midway. */
  private async writeSites<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.identities.forget();
      this.credentials.forget();
      this.enabled.forget();
    }
  }

  /**
   * Records sites connecting and disconnecting, in order, in one transaction. A site has at most one open
   * connection (the hub's claim), so a close ends that site's open row; not one opened after the connection that
   * ended began (an instance sweeping a dead one's sites can record the close after such a site has reconnected).
   */
  private async recordConnections(events: readonly ConnectionEvent[]): Promise<void> {
    const connections = this.fixedConnections;
    const seenAndVersion = (e: OpenedEvent) =>
      this.sql.statement`UPDATE receivers SET last_seen_at = ${e.at}, client_version = ${e.clientVersion}
        WHERE id = ${e.receiverId}`;
    const seen = (e: ClosedEvent) =>
      this.sql.statement`UPDATE receivers SET last_seen_at = ${e.at} WHERE id = ${e.receiverId}`;
    const close = (e: ClosedEvent) =>
      this.sql.statement`UPDATE receiver_connections SET disconnected_at = ${e.at}, end_reason = ${e.reason}
        WHERE receiver_id = ${e.receiverId} AND disconnected_at IS NULL AND connected_at <= ${e.since}`;
    const run = (executor: EntityManager, s: Statement) => executor.query(s.text, s.params);
    await this.dataSource.transaction(async (manager) => {
      for (const batch of runsOfKind(events)) {
        if (batch[0].kind === 'opened') {
          const opened = batch as OpenedEvent[];
          await connections.insertMany(
            opened.map((e) => ({
              receiverId: e.receiverId,
              ip: e.ip,
              clientVersion: e.clientVersion,
              connectedAt: e.at,
              disconnectedAt: null,
              endReason: null,
            })),
            manager,
          );
          for (const e of opened) await run(manager, seenAndVersion(e));
        } else {
          for (const e of batch as ClosedEvent[]) {
            await run(manager, close(e));
            await run(manager, seen(e));
          }
        }
      }
    });
  }

  /** Sites with a connection record still open. */
  async openConnectionReceivers(): Promise<number[]> {
    const rows = await this.connections
      .createQueryBuilder('c')
      .select('DISTINCT c.receiver_id', 'receiver_id')
      .where('c.disconnected_at IS NULL')
      .getRawMany<{ receiver_id: number }>();
    return rows.map((r) => Number(r.receiver_id));
  }

  /** Closes these sites' open records: connections a crash left open are closed at the next start. */
  async closeOpen(receiverIds: readonly number[], at: number, reason: string): Promise<number> {
    let closed = 0;
    for (const batch of chunks(receiverIds)) {
      const result = await this.connections.update(
        { receiverId: In(batch), disconnectedAt: IsNull() },
        { disconnectedAt: at, endReason: reason },
      );
      closed += result.affected ?? 0;
    }
    return closed;
  }

  async lastConnections(receiverId: number, limit: number): Promise<ReceiverConnectionEntity[]> {
    await this.journal.flush();
    return this.connections.find({ where: { receiverId }, order: { connectedAt: 'DESC', id: 'DESC' }, take: limit });
  }
}
