import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * What a support team needs about a site (address, phone, region, tags, notes), and the display names of groups and
 * API tokens as typed ("Zona Norte"), next to the normalized key they are matched by.
 */
export class SiteDetails1763980000000 implements MigrationInterface {
  name = 'SiteDetails1763980000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('receivers', [
      new TableColumn({ name: 'postal_address', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'phone', type: 'varchar', length: '32', isNullable: true }),
      new TableColumn({ name: 'region', type: 'varchar', length: '64', isNullable: true }),
      // A JSON array of strings.
      new TableColumn({ name: 'tags', type: 'text', isNullable: true }),
      new TableColumn({ name: 'notes', type: 'text', isNullable: true }),
    ]);
    await queryRunner.addColumn(
      'groups',
      new TableColumn({ name: 'display_name', type: 'varchar', length: '128', isNullable: true }),
    );
    await queryRunner.query('UPDATE "groups" SET "display_name" = "name"');
    await queryRunner.addColumn(
      'api_tokens',
      new TableColumn({ name: 'display_name', type: 'varchar', length: '128', isNullable: true }),
    );
    await queryRunner.query('UPDATE "api_tokens" SET "display_name" = "name"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('api_tokens', 'display_name');
    await queryRunner.dropColumn('groups', 'display_name');
    for (const column of ['notes', 'tags', 'region', 'phone', 'postal_address']) {
      await queryRunner.dropColumn('receivers', column);
    }
  }
}
