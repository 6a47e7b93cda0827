import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The home dashboard lists urgent alerts that sites left unread after every reminder. Those copies are few, but
 * "delivered" copies are many (every unread normal alert), so without this partial index the query walked the state
 * index; with it, it reads only the flagged copies. Queries must repeat the condition literally for SQLite to use it.
 */
export class FlaggedUnreadIndex1763990000000 implements MigrationInterface {
  name = 'FlaggedUnreadIndex1763990000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'deliveries',
      new TableIndex({
        name: 'idx_deliveries_flagged_unread',
        columnNames: ['message_id', 'receiver_name'],
        where: "flagged = true AND state = 'delivered'",
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('deliveries', 'idx_deliveries_flagged_unread');
  }
}
