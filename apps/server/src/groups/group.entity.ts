import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { EpochColumn } from '../database/columns';

@Entity('groups')
export class GroupEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 128, unique: true })
  name!: string;

  /** The name as typed; null on rows written before it existed (the name is shown then). */
  @Column({ name: 'display_name', type: 'varchar', length: 128, nullable: true })
  displayName!: string | null;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'updated_at' })
  updatedAt!: number;
}

@Entity('group_members')
export class GroupMemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'integer' })
  groupId!: number;

  @PrimaryColumn({ name: 'member_name', type: 'varchar', length: 128 })
  memberName!: string;
}

/** An operator limited to some groups; no row means unrestricted. */
@Entity('operator_restrictions')
export class OperatorRestrictionEntity {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'allow_global', type: 'boolean', default: false })
  allowGlobal!: boolean;

  @EpochColumn({ name: 'updated_at' })
  updatedAt!: number;
}

@Entity('operator_groups')
export class OperatorGroupEntity {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId!: number;

  @PrimaryColumn({ name: 'group_id', type: 'integer' })
  groupId!: number;
}
