import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ActorKind, Priority, ScheduledState, TargetKind } from '@avisa/contracts';
import { EpochColumn } from '../database/columns';

/** An alert to send later; sent, it becomes the message with the same id. */
@Entity('scheduled_messages')
export class ScheduledMessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: ScheduledState;

  @Column({ name: 'sender_kind', type: 'varchar', length: 16 })
  senderKind!: ActorKind;

  /** The user's or token's id, for the audit line when the alert goes out. */
  @Column({ name: 'sender_id', type: 'integer', nullable: true })
  senderId!: number | null;

  @Column({ name: 'sender_name', type: 'varchar', length: 128 })
  senderName!: string;

  @Column({ name: 'sender_display', type: 'varchar', length: 128 })
  senderDisplay!: string;

  @Column({ name: 'target_kind', type: 'varchar', length: 16 })
  targetKind!: TargetKind;

  @Column({ name: 'target_name', type: 'varchar', length: 128, nullable: true })
  targetName!: string | null;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 16 })
  priority!: Priority;

  @Column({ name: 'ttl_seconds', type: 'integer' })
  ttlSeconds!: number;

  /** JSON array, as on messages; null when none. */
  @Column({ type: 'text', nullable: true })
  replies!: string | null;

  /** AlertAttachment[] as JSON, checked again when the alert goes out; null when none. */
  @Column({ type: 'text', nullable: true })
  attachments!: string | null;

  @EpochColumn({ name: 'send_at' })
  sendAt!: number;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'updated_at' })
  updatedAt!: number;

  /** Who cancelled it. */
  @Column({ name: 'ended_by', type: 'varchar', length: 128, nullable: true })
  endedBy!: string | null;

  /** Why it could not be sent at its time (state `failed`). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  problem!: string | null;
}
