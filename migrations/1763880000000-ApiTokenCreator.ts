import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A token works only while the account that created it is enabled, so each token names that account by id (ids are
 * never reused; a name can be). Tokens whose creator no longer exists get no id and stop working.
 */
export class ApiTokenCreator1763880000000 implements MigrationInterface {
  name = 'ApiTokenCreator1763880000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'api_tokens',
      new TableColumn({ name: 'created_by_id', type: 'integer', isNullable: true }),
    );
    await queryRunner.query(
      'UPDATE api_tokens SET created_by_id = (SELECT users.id FROM users WHERE users.username = api_tokens.created_by)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('api_tokens', 'created_by_id');
  }
}
