import type { RoomKind, RoomRole } from '@avisa/contracts';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { EpochColumn } from '../database/columns';

@Entity('rooms')
export class RoomEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 80 })
  name!: string;

  /** The name as compared: trimmed, lower-cased (roomNameKey). */
  @Column({ name: 'name_key', type: 'varchar', length: 80 })
  nameKey!: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: RoomKind;

  @Column({ type: 'varchar', length: 32, nullable: true })
  code!: string | null;

  @Column({ name: 'password_hash', type: 'varchar', length: 128, nullable: true })
  passwordHash!: string | null;

  @Column({ name: 'retention_days', type: 'integer', nullable: true })
  retentionDays!: number | null;

  /** The newest message's number; each message takes the next one, in the same transaction. */
  @Column({ name: 'last_seq', type: 'integer', default: 0 })
  lastSeq!: number;

  @EpochColumn({ name: 'last_message_at', nullable: true })
  lastMessageAt!: number | null;

  @EpochColumn({ name: 'archived_at', nullable: true })
  archivedAt!: number | null;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'updated_at' })
  updatedAt!: number;
}

@Entity('room_members')
export class RoomMemberEntity {
  @PrimaryColumn({ name: 'room_id', type: 'integer' })
  roomId!: number;

  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 16 })
  role!: RoomRole;

  /** Markers only move forward: the newest message that reached the member's client, and the newest they read. */
  @Column({ name: 'delivered_seq', type: 'integer', default: 0 })
  deliveredSeq!: number;

  @Column({ name: 'read_seq', type: 'integer', default: 0 })
  readSeq!: number;

  @EpochColumn({ name: 'joined_at' })
  joinedAt!: number;
}

@Entity('room_messages')
export class RoomMessageEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'room_id', type: 'integer' })
  roomId!: number;

  @Column({ type: 'integer' })
  seq!: number;

  /** Null for an API token. */
  @Column({ name: 'author_id', type: 'integer', nullable: true })
  authorId!: number | null;

  @Column({ name: 'author_name', type: 'varchar', length: 128 })
  authorName!: string;

  @Column({ name: 'author_display', type: 'varchar', length: 128 })
  authorDisplay!: string;

  @Column({ type: 'text' })
  text!: string;

  /** The mentioned usernames, each between spaces (` ana luis `), so one LIKE finds a user's mentions. */
  @Column({ type: 'text', default: '' })
  mentions!: string;

  /** The shared files it carries (AlertAttachment[] as JSON); null when none. */
  @Column({ type: 'text', nullable: true })
  attachments!: string | null;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'edited_at', nullable: true })
  editedAt!: number | null;

  @EpochColumn({ name: 'deleted_at', nullable: true })
  deletedAt!: number | null;
}

@Entity('room_tokens')
export class RoomTokenEntity {
  @PrimaryColumn({ name: 'room_id', type: 'integer' })
  roomId!: number;

  @PrimaryColumn({ name: 'token_id', type: 'integer' })
  tokenId!: number;

  @EpochColumn({ name: 'granted_at' })
  grantedAt!: number;
}
