import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { EpochColumn } from '../database/columns';

const jsonList = {
  to: (value: string[] | undefined) => (value?.length ? JSON.stringify(value) : null),
  from: (value: string | null): string[] => (value ? (JSON.parse(value) as string[]) : []),
};

@Entity('receivers')
export class ReceiverEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 128 })
  displayName!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** SHA-256 of the receiver's key; the key itself is shown once and never stored. */
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'updated_at' })
  updatedAt!: number;

  @EpochColumn({ name: 'last_seen_at', nullable: true })
  lastSeenAt!: number | null;

  @Column({ name: 'client_version', type: 'varchar', length: 64, nullable: true })
  clientVersion!: string | null;

  @Column({ name: 'postal_address', type: 'varchar', length: 200, nullable: true })
  postalAddress!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  region!: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonList })
  tags!: string[];

  @Column({ type: 'text', nullable: true })
  notes!: string | null;
}

@Entity('receiver_connections')
export class ReceiverConnectionEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'receiver_id', type: 'integer' })
  receiverId!: number;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'client_version', type: 'varchar', length: 64, nullable: true })
  clientVersion!: string | null;

  @EpochColumn({ name: 'connected_at' })
  connectedAt!: number;

  @EpochColumn({ name: 'disconnected_at', nullable: true })
  disconnectedAt!: number | null;

  @Column({ name: 'end_reason', type: 'varchar', length: 64, nullable: true })
  endReason!: string | null;
}
