import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Copies are looked up by state only while open: unconfirmed ones to send again, expired ones to close. Indexing
 * every copy by state and send time moved each copy's entry at each receipt (out of `sent`, into `delivered`, then
 * `read`) and kept the whole history in an index nothing reads. Only the open copies stay in this one: a receipt
 * removes an entry and adds none. Queries must repeat the condition literally (OPEN_COPIES in MessagesRepository)
 * for SQLite to use it.
 */
export class OpenDeliveriesByState1764020000000 implements MigrationInterface {
  name = 'OpenDeliveriesByState1764020000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'deliveries',
      new TableIndex({
        name: 'idx_deliveries_open_by_state',
        columnNames: ['state', 'sent_at'],
        where: "state IN ('queued', 'sent')",
      }),
    );
    await queryRunner.dropIndex('deliveries', 'idx_deliveries_state');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'deliveries',
      new TableIndex({ name: 'idx_deliveries_state', columnNames: ['state', 'sent_at'] }),
    );
    await queryRunner.dropIndex('deliveries', 'idx_deliveries_open_by_state');
  }
}
