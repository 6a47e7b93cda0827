import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { epochColumn, idColumn } from './columns';

/** Receiver updates: the admin's rollouts, and each site's last report of how its update went. */
export class ReceiverUpdates1763900000000 implements MigrationInterface {
  name = 'ReceiverUpdates1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'receiver_rollouts',
        columns: [
          idColumn,
          { name: 'version', type: 'varchar', length: '32' },
          { name: 'schedule', type: 'varchar', length: '8' },
          { name: 'started_by', type: 'varchar', length: '128' },
          epochColumn('started_at'),
          epochColumn('cancelled_at', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'receiver_update_reports',
        columns: [
          { name: 'site', type: 'varchar', length: '64', isPrimary: true },
          { name: 'version', type: 'varchar', length: '32' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          epochColumn('reported_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('receiver_update_reports');
    await queryRunner.dropTable('receiver_rollouts');
  }
}
