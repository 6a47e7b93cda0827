import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { epochColumn } from './columns';

/** Files attached to an alert (a JSON array of what each site needs), and when each site first downloaded them. */
export class AlertAttachments1763940000000 implements MigrationInterface {
  name = 'AlertAttachments1763940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('messages', new TableColumn({ name: 'attachments', type: 'text', isNullable: true }));
    await queryRunner.addColumn('deliveries', new TableColumn(epochColumn('attachments_downloaded_at', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('deliveries', 'attachments_downloaded_at');
    await queryRunner.dropColumn('messages', 'attachments');
  }
}
