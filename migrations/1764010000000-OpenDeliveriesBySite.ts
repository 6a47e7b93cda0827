import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * A site's copies are looked up by site only while open (its catch-up as it connects, its deletion). Indexing every
 * copy ever sent by site put each alert's row, and each of its state changes, on a leaf page of its own in an index
 * that only grows: with sites taken in any order, every commit wrote one more page per alert to the WAL. Only the
 * open copies stay in this one, so it remains a few pages that every commit shares. Queries must repeat the
 * condition literally (OPEN_BY_SITE in MessagesRepository) for SQLite to use it.
 */
export class OpenDeliveriesBySite1764010000000 implements MigrationInterface {
  name = 'OpenDeliveriesBySite1764010000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'deliveries',
      new TableIndex({
        name: 'idx_deliveries_open_by_site',
        columnNames: ['receiver_name', 'state'],
        where: "state IN ('queued', 'sent')",
      }),
    );
    await queryRunner.dropIndex('deliveries', 'idx_deliveries_receiver_state');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'deliveries',
      new TableIndex({ name: 'idx_deliveries_receiver_state', columnNames: ['receiver_name', 'state'] }),
    );
    await queryRunner.dropIndex('deliveries', 'idx_deliveries_open_by_site');
  }
}
