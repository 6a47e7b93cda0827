import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochColumn } from '../database/columns';

@Entity('login_failures')
@Index('idx_login_failures_user_ip', ['username', 'ip'])
export class LoginFailureEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 64 })
  ip!: string;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;
}

/** A lock on one account from one address, or on the whole account when `ip` is `*`. */
@Entity('login_locks')
@Index('idx_login_locks_user_ip', ['username', 'ip'])
export class LoginLockEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 64 })
  ip!: string;

  @EpochColumn({ name: 'locked_until' })
  lockedUntil!: number;
}
