import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Repository } from 'typeorm';
import { chunks } from '../database/batches';
import { EntityStatements } from '../database/entity-statements';
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

  constructor(
    @InjectRepository(ReceiverEntity) private readonly receivers: Repository<ReceiverEntity>,
    @InjectRepository(ReceiverConnectionEntity) private readonly connections: Repository<ReceiverConnectionEntity>,
    private readonly dataSource: DataSource,
  ) {
    this.fixed = new EntityStatements(dataSource, ReceiverEntity);
    this.fixedConnections = new EntityStatements(dataSource, ReceiverConnectionEntity);
  }

  list(): Promise<ReceiverEntity[]> {
    return this.receivers.find({ order: { name: 'ASC' } });
  }

  /** Every global alert starts here, on the path to the first site: plain rows, no entities. */
  async listEnabledNames(): Promise<{ id: number; name: string }[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, name FROM ${this.fixed.table} WHERE enabled = ${this.fixed.param(1)} ORDER BY name ASC`,
      [true],
    )) as { id: number | string; name: string }[];
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
    const [sites, connections] = [this.fixed, this.fixedConnections];
    const p = (n: number) => sites.param(n);
    const seenAndVersion = `UPDATE ${sites.table} SET last_seen_at = ${p(1)}, client_version = ${p(2)} WHERE id = ${p(3)}`;
    const seen = `UPDATE ${sites.table} SET last_seen_at = ${p(1)} WHERE id = ${p(2)}`;
    const close = `UPDATE ${connections.table} SET disconnected_at = ${p(1)}, end_reason = ${p(2)} WHERE receiver_id = ${p(3)} AND disconnected_at IS NULL`;
    await this.dataSource.transaction(async (manager) => {
      for (const run of runsOfKind(events)) {
        if (run[0].kind === 'opened') {
          const opened = run as OpenedEvent[];
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
          for (const e of opened) await manager.query(seenAndVersion, [e.at, e.clientVersion, e.receiverId]);
        } else {
          for (const e of run as ClosedEvent[]) {
            await manager.query(close, [e.at, e.reason, e.receiverId]);
            await manager.query(seen, [e.at, e.receiverId]);
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
