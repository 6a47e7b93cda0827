import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { epochColumn } from './columns';

/** Shared files: what each upload is, who sent it, and where it stands in quarantine and scanning. */
export class Files1763930000000 implements MigrationInterface {
  name = 'Files1763930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'files',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'size', type: 'bigint' },
          { name: 'mime', type: 'varchar', length: '128' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'state', type: 'varchar', length: '24' },
          { name: 'reason', type: 'varchar', length: '300', isNullable: true },
          { name: 'uploader_id', type: 'integer', isNullable: true },
          { name: 'uploader_name', type: 'varchar', length: '128' },
          epochColumn('created_at'),
          epochColumn('scanned_at', true),
          { name: 'released_by', type: 'varchar', length: '128', isNullable: true },
          epochColumn('released_at', true),
          { name: 'release_reason', type: 'varchar', length: '500', isNullable: true },
        ],
        indices: [
          { name: 'IDX_files_state', columnNames: ['state'] },
          { name: 'IDX_files_uploader', columnNames: ['uploader_id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('files');
  }
}
