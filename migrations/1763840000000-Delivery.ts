import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { epochColumn, idColumn } from './columns';

export class Delivery1763840000000 implements MigrationInterface {
  name = 'Delivery1763840000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'receivers',
        columns: [
          idColumn,
          { name: 'name', type: 'varchar', length: '64', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '128' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'key_hash', type: 'varchar', length: '64' },
          epochColumn('created_at'),
          epochColumn('updated_at'),
          epochColumn('last_seen_at', true),
          { name: 'client_version', type: 'varchar', length: '64', isNullable: true },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'receiver_connections',
        columns: [
          idColumn,
          { name: 'receiver_id', type: 'integer' },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'client_version', type: 'varchar', length: '64', isNullable: true },
          epochColumn('connected_at'),
          epochColumn('disconnected_at', true),
          { name: 'end_reason', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [{ name: 'idx_receiver_connections_receiver', columnNames: ['receiver_id', 'connected_at'] }],
        foreignKeys: [
          {
            columnNames: ['receiver_id'],
            referencedTableName: 'receivers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'messages',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'sender_kind', type: 'varchar', length: '16' },
          { name: 'sender_name', type: 'varchar', length: '128' },
          { name: 'sender_display', type: 'varchar', length: '128' },
          { name: 'target_kind', type: 'varchar', length: '16' },
          { name: 'target_name', type: 'varchar', length: '128', isNullable: true },
          { name: 'text', type: 'text' },
          { name: 'priority', type: 'varchar', length: '16' },
          { name: 'ttl_seconds', type: 'integer' },
          epochColumn('created_at'),
          epochColumn('expires_at'),
          epochColumn('retracted_at', true),
          { name: 'retracted_by', type: 'varchar', length: '128', isNullable: true },
          { name: 'recipient_count', type: 'integer' },
        ],
        indices: [{ name: 'idx_messages_created', columnNames: ['created_at'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'deliveries',
        columns: [
          idColumn,
          { name: 'message_id', type: 'varchar', length: '36' },
          { name: 'receiver_id', type: 'integer', isNullable: true },
          { name: 'receiver_name', type: 'varchar', length: '64' },
          { name: 'state', type: 'varchar', length: '16' },
          epochColumn('created_at'),
          epochColumn('expires_at'),
          epochColumn('sent_at', true),
          epochColumn('delivered_at', true),
          epochColumn('read_at', true),
          epochColumn('ended_at', true),
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'reminders', type: 'integer', default: 0 },
          epochColumn('reminded_at', true),
          { name: 'flagged', type: 'boolean', default: false },
        ],
        indices: [
          { name: 'idx_deliveries_message', columnNames: ['message_id'] },
          { name: 'idx_deliveries_receiver_state', columnNames: ['receiver_name', 'state'] },
          { name: 'idx_deliveries_state', columnNames: ['state', 'sent_at'] },
        ],
        foreignKeys: [
          {
            columnNames: ['message_id'],
            referencedTableName: 'messages',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['deliveries', 'messages', 'receiver_connections', 'receivers']) {
      await queryRunner.dropTable(table);
    }
  }
}
