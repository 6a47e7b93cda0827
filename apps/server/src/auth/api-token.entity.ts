import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TokenScope } from '@avisa/contracts';
import { EpochColumn } from '../database/columns';

@Entity('api_tokens')
export class ApiTokenEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 128, nullable: true })
  displayName!: string | null;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ type: 'simple-array' })
  scopes!: TokenScope[];

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  /** The token works only while this account exists and is enabled; null when it no longer existed at migration. */
  @Column({ name: 'created_by_id', type: 'integer', nullable: true })
  createdById!: number | null;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt!: number | null;

  @EpochColumn({ name: 'expires_at', nullable: true })
  expiresAt!: number | null;

  @EpochColumn({ name: 'revoked_at', nullable: true })
  revokedAt!: number | null;
}
