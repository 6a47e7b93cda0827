import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { epochColumn } from './columns';

/** Alerts to send later: each waits here until its time, then goes out as an ordinary alert with the same id. */
export class ScheduledMessages1763970000000 implements MigrationInterface {
  name = 'ScheduledMessages1763970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'scheduled_messages',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'sender_kind', type: 'varchar', length: '16' },
          { name: 'sender_id', type: 'integer', isNullable: true },
          { name: 'sender_name', type: 'varchar', length: '128' },
          { name: 'sender_display', type: 'varchar', length: '128' },
          { name: 'target_kind', type: 'varchar', length: '16' },
          { name: 'target_name', type: 'varchar', length: '128', isNullable: true },
          { name: 'text', type: 'text' },
          { name: 'priority', type: 'varchar', length: '16' },
          { name: 'ttl_seconds', type: 'integer' },
          { name: 'replies', type: 'text', isNullable: true },
          { name: 'attachments', type: 'text', isNullable: true },
          epochColumn('send_at'),
          epochColumn('created_at'),
          epochColumn('updated_at'),
          { name: 'ended_by', type: 'varchar', length: '128', isNullable: true },
          { name: 'problem', type: 'varchar', length: '500', isNullable: true },
        ],
        indices: [{ name: 'IDX_scheduled_messages_due', columnNames: ['state', 'send_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scheduled_messages');
  }
}
