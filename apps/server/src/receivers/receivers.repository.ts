import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, Repository } from 'typeorm';
import { chunks } from '../database/batches';
import { EntityStatements } from '../database/entity-statements';
import { Sql, Statement } from '../database/sql';
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
  reason: string;
  at: number;
}

export type ConnectionEvent = OpenedEvent | ClosedEvent;

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
export class ReceiversRepository {
  /** Every private alert looks its site up; every connection and disconnection is recorded. */
  private readonly fixed: EntityStatements<ReceiverEntity>;
  private readonly fixedConnections: EntityStatements<ReceiverConnectionEntity>;
  private readonly sql: Sql;

  constructor(
    @InjectRepository(ReceiverEntity) private readonly receivers: Repository<ReceiverEntity>,
    @InjectRepository(ReceiverConnectionEntity) private readonly connections: Repository<ReceiverConnectionEntity>,
    private readonly dataSource: DataSource,
  ) {
    this.sql = Sql.for(dataSource);
    this.fixed = new EntityStatements(dataSource, ReceiverEntity);
    this.fixedConnections = new EntityStatements(dataSource, ReceiverConnectionEntity);
  }

  list(): Promise<ReceiverEntity[]> {
    return this.receivers.find({ order: { name: 'ASC' } });
  }

  /** Every global alert starts here, on the path to the first site: plain rows, no entities. */
  async listEnabledNames(): Promise<{ id: number; name: string }[]> {
    const s = this.sql.statement`SELECT id, name FROM receivers WHERE enabled = ${true} ORDER BY name ASC`;
    const rows = (await this.dataSource.query(s.text, s.params)) as { id: number | string; name: string }[];
    return rows.map((r) => ({ id: Number(r.id), name: r.name }));
  }

  findByNames(names: string[]): Promise<ReceiverEntity[]> {
    return names.length ? this.receivers.findBy({ name: In(names) }) : Promise.resolve([]);
  }

  findByName(name: string): Promise<ReceiverEntity | null> {
    return this.fixed.findOneBy('name', name);
  }

  create(receiver: Omit<ReceiverEntity, 'id'>): Promise<ReceiverEntity> {
    return this.receivers.save(this.receivers.create(receiver));
  }

  /** All or nothing: one transaction for the whole batch. */
  async createMany(receivers: Omit<ReceiverEntity, 'id'>[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const batch of chunks(receivers)) await manager.insert(ReceiverEntity, batch);
    });
  }

  async update(id: number, changes: Partial<Omit<ReceiverEntity, 'id'>>): Promise<void> {
    await this.receivers.update({ id }, changes);
  }

  async delete(id: number): Promise<void> {
    await this.receivers.delete({ id });
  }

  /**
   * Records sites connecting and disconnecting, in order, in one transaction. A site has at most one open
   * connection (the hub's claim), so a close ends that site's open row.
   */
  async recordConnections(events: readonly ConnectionEvent[]): Promise<void> {
    const connections = this.fixedConnections;
    const seenAndVersion = (e: OpenedEvent) =>
      this.sql.statement`UPDATE receivers SET last_seen_at = ${e.at}, client_version = ${e.clientVersion}
        WHERE id = ${e.receiverId}`;
    const seen = (e: ClosedEvent) =>
      this.sql.statement`UPDATE receivers SET last_seen_at = ${e.at} WHERE id = ${e.receiverId}`;
    const close = (e: ClosedEvent) =>
      this.sql.statement`UPDATE receiver_connections SET disconnected_at = ${e.at}, end_reason = ${e.reason}
        WHERE receiver_id = ${e.receiverId} AND disconnected_at IS NULL`;
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

  lastConnections(receiverId: number, limit: number): Promise<ReceiverConnectionEntity[]> {
    return this.connections.find({ where: { receiverId }, order: { connectedAt: 'DESC', id: 'DESC' }, take: limit });
  }
}
