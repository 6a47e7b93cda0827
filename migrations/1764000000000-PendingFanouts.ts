import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * An alert to many sites is committed with the plan of its delivery rows (one row here) and pushed at once; the
 * rows themselves are written just after the push, and this row removed with them. One left here after a crash is
 * written out at the next start (see MessagesRepository).
 */
export class PendingFanouts1764000000000 implements MigrationInterface {
  name = 'PendingFanouts1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'pending_fanouts',
        columns: [
          { name: 'message_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'plan', type: 'text' },
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
    await queryRunner.dropTable('pending_fanouts');
  }
}
