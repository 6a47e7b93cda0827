import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** Shared files a chat message carries (a JSON array, as alerts carry theirs). */
export class RoomAttachments1763950000000 implements MigrationInterface {
  name = 'RoomAttachments1763950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'room_messages',
      new TableColumn({ name: 'attachments', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('room_messages', 'attachments');
  }
}
