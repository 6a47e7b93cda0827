import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ActorKind } from '@avisa/contracts';
import { EpochColumn } from '../database/columns';

@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('idx_audit_events_at')
  @EpochColumn()
  at!: number;

  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind!: ActorKind;

  @Index('idx_audit_events_actor')
  @Column({ name: 'actor_name', type: 'varchar', length: 128 })
  actorName!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  target!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'text' })
  details!: string;
}

@Entity('audit_read_markers')
export class AuditReadMarkerEntity {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'last_read_id', type: 'integer' })
  lastReadId!: number;

  @EpochColumn({ name: 'updated_at' })
  updatedAt!: number;
}
