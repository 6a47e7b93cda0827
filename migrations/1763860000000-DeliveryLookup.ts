import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Receipts look up a delivery by alert and site. With only the alert indexed, each receipt batch scanned
 * every copy of a global alert; the pair index serves both that lookup and the per-alert one it replaces.
 */
export class DeliveryLookup1763860000000 implements MigrationInterface {
  name = 'DeliveryLookup1763860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'deliveries',
      new TableIndex({ name: 'idx_deliveries_message_receiver', columnNames: ['message_id', 'receiver_name'] }),
    );
    await queryRunner.dropIndex('deliveries', 'idx_deliveries_message');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'deliveries',
      new TableIndex({ name: 'idx_deliveries_message', columnNames: ['message_id'] }),
    );
    await queryRunner.dropIndex('deliveries', 'idx_deliveries_message_receiver');
  }
}
