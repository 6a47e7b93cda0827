import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ActorKind, DeliveryState, Priority, TargetKind } from '@avisa/contracts';
import { EpochColumn } from '../database/columns';

@Entity('messages')
export class MessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'sender_kind', type: 'varchar', length: 16 })
  senderKind!: ActorKind;

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

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'expires_at' })
  expiresAt!: number;

  @EpochColumn({ name: 'retracted_at', nullable: true })
  retractedAt!: number | null;

  @Column({ name: 'retracted_by', type: 'varchar', length: 128, nullable: true })
  retractedBy!: string | null;

  @Column({ name: 'recipient_count', type: 'integer' })
  recipientCount!: number;

  /** The quick replies offered, as a JSON array; null when none. */
  @Column({ type: 'text', nullable: true })
  replies!: string | null;

  /** The attached files as sites receive them (AlertAttachment[] as JSON); null when none. */
  @Column({ type: 'text', nullable: true })
  attachments!: string | null;
}

@Entity('deliveries')
export class DeliveryEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'message_id', type: 'varchar', length: 36 })
  messageId!: string;

  @Column({ name: 'receiver_id', type: 'integer', nullable: true })
  receiverId!: number | null;

  @Column({ name: 'receiver_name', type: 'varchar', length: 64 })
  receiverName!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: DeliveryState;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'expires_at' })
  expiresAt!: number;

  @EpochColumn({ name: 'sent_at', nullable: true })
  sentAt!: number | null;

  @EpochColumn({ name: 'delivered_at', nullable: true })
  deliveredAt!: number | null;

  @EpochColumn({ name: 'read_at', nullable: true })
  readAt!: number | null;

  @EpochColumn({ name: 'ended_at', nullable: true })
  endedAt!: number | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', default: 0 })
  reminders!: number;

  @EpochColumn({ name: 'reminded_at', nullable: true })
  remindedAt!: number | null;

  @Column({ type: 'boolean', default: false })
  flagged!: boolean;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reply!: string | null;

  @EpochColumn({ name: 'replied_at', nullable: true })
  repliedAt!: number | null;

  @EpochColumn({ name: 'attachments_downloaded_at', nullable: true })
  attachmentsDownloadedAt!: number | null;
}

/** A delivery row as an alert is accepted: nothing received yet, no reminders. */
export type NewDelivery = Pick<
  DeliveryEntity,
  'messageId' | 'receiverId' | 'receiverName' | 'state' | 'createdAt' | 'expiresAt' | 'sentAt' | 'endedAt' | 'attempts'
>;
