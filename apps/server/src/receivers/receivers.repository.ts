import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Repository } from 'typeorm';
import { chunks } from '../database/batches';
import { ReceiverConnectionEntity, ReceiverEntity } from './receiver.entity';

@Injectable()
export class ReceiversRepository {
  constructor(
    @InjectRepository(ReceiverEntity) private readonly receivers: Repository<ReceiverEntity>,
    @InjectRepository(ReceiverConnectionEntity) private readonly connections: Repository<ReceiverConnectionEntity>,
    private readonly dataSource: DataSource,
  ) {}

  list(): Promise<ReceiverEntity[]> {
    return this.receivers.find({ order: { name: 'ASC' } });
  }

  listEnabledNames(): Promise<{ id: number; name: string }[]> {
    return this.receivers.find({ select: { id: true, name: true }, where: { enabled: true }, order: { name: 'ASC' } });
  }

  findByNames(names: string[]): Promise<ReceiverEntity[]> {
    return names.length ? this.receivers.findBy({ name: In(names) }) : Promise.resolve([]);
  }

  findByName(name: string): Promise<ReceiverEntity | null> {
    return this.receivers.findOneBy({ name });
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

  async openConnection(connection: Omit<ReceiverConnectionEntity, 'id'>): Promise<number> {
    const saved = await this.connections.save(this.connections.create(connection));
    return saved.id;
  }

  async closeConnection(id: number, at: number, reason: string): Promise<void> {
    await this.connections.update({ id, disconnectedAt: IsNull() }, { disconnectedAt: at, endReason: reason });
  }

  /** Connections a crash left open are closed at the next start. */
  async closeAllOpen(at: number, reason: string): Promise<number> {
    const result = await this.connections.update(
      { disconnectedAt: IsNull() },
      { disconnectedAt: at, endReason: reason },
    );
    return result.affected ?? 0;
  }

  lastConnections(receiverId: number, limit: number): Promise<ReceiverConnectionEntity[]> {
    return this.connections.find({ where: { receiverId }, order: { connectedAt: 'DESC', id: 'DESC' }, take: limit });
  }
}
