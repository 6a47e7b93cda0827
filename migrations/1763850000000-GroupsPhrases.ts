import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { epochColumn, idColumn } from './columns';

export class GroupsPhrases1763850000000 implements MigrationInterface {
  name = 'GroupsPhrases1763850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'groups',
        columns: [
          idColumn,
          { name: 'name', type: 'varchar', length: '128', isUnique: true },
          epochColumn('created_at'),
          epochColumn('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'group_members',
        columns: [
          { name: 'group_id', type: 'integer', isPrimary: true },
          { name: 'member_name', type: 'varchar', length: '128', isPrimary: true },
        ],
        indices: [{ name: 'idx_group_members_member', columnNames: ['member_name'] }],
        foreignKeys: [
          {
            columnNames: ['group_id'],
            referencedTableName: 'groups',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'operator_restrictions',
        columns: [
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'allow_global', type: 'boolean', default: false },
          epochColumn('updated_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'operator_groups',
        columns: [
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'group_id', type: 'integer', isPrimary: true },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'operator_restrictions',
            referencedColumnNames: ['user_id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['group_id'],
            referencedTableName: 'groups',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'phrases',
        columns: [
          idColumn,
          { name: 'text', type: 'varchar', length: '2000' },
          { name: 'position', type: 'integer' },
          epochColumn('created_at'),
          epochColumn('updated_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['phrases', 'operator_groups', 'operator_restrictions', 'group_members', 'groups']) {
      await queryRunner.dropTable(table);
    }
  }
}
