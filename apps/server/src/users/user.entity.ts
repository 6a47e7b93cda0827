import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@avisa/contracts';
import { EpochColumn } from '../database/columns';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 128 })
  displayName!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'boolean', default: false })
  builtin!: boolean;

  @Column({ name: 'password_hash', type: 'varchar', length: 100 })
  passwordHash!: string;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'updated_at' })
  updatedAt!: number;
}
