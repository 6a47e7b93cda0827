import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { EpochColumn } from '../database/columns';

@Entity('phrases')
export class PhraseEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 2000 })
  text!: string;

  /** 0-based place in the shared list; kept contiguous by every change. */
  @Column({ type: 'integer' })
  position!: number;

  @EpochColumn({ name: 'created_at' })
  createdAt!: number;

  @EpochColumn({ name: 'updated_at' })
  updatedAt!: number;
}
