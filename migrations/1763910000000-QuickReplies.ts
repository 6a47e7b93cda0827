import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { epochColumn } from './columns';

/** Quick replies: those an alert offers (a JSON array) and the one each site answered with. */
export class QuickReplies1763910000000 implements MigrationInterface {
  name = 'QuickReplies1763910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('messages', new TableColumn({ name: 'replies', type: 'text', isNullable: true }));
    await queryRunner.addColumns('deliveries', [
      new TableColumn({ name: 'reply', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn(epochColumn('replied_at', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('deliveries', ['reply', 'replied_at']);
    await queryRunner.dropColumn('messages', 'replies');
  }
}
