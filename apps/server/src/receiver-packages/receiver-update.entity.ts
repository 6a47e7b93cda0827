import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { EpochColumn } from '../database/columns';

/** An admin's decision to offer a version to the sites; the newest row not cancelled is the one in force. */
@Entity('receiver_rollouts')
export class ReceiverRolloutEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  version!: string;

  /** `now`, or `night`: offered only inside AVISA_RECEIVER_UPDATE_NIGHT, server local time. */
  @Column({ name: 'schedule', type: 'varchar', length: 8 })
  when!: string;

  @Column({ name: 'started_by', type: 'varchar', length: 128 })
  startedBy!: string;

  @EpochColumn({ name: 'started_at' })
  startedAt!: number;

  @EpochColumn({ name: 'cancelled_at', nullable: true })
  cancelledAt!: number | null;
}

/** The last update report of each site. */
@Entity('receiver_update_reports')
export class ReceiverUpdateReportEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  site!: string;

  @Column({ type: 'varchar', length: 32 })
  version!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @EpochColumn({ name: 'reported_at' })
  reportedAt!: number;
}
