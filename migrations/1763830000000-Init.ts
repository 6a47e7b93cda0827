import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { epochColumn, idColumn } from './columns';

export class Init1763830000000 implements MigrationInterface {
  name = 'Init1763830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          idColumn,
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '128' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'builtin', type: 'boolean', default: false },
          { name: 'password_hash', type: 'varchar', length: '100' },
          epochColumn('created_at'),
          epochColumn('updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'integer' },
          epochColumn('created_at'),
          epochColumn('last_seen_at'),
          epochColumn('expires_at'),
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '256', isNullable: true },
        ],
        indices: [{ name: 'idx_sessions_user', columnNames: ['user_id'] }],
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
        name: 'login_failures',
        columns: [
          idColumn,
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'ip', type: 'varchar', length: '64' },
          epochColumn('created_at'),
        ],
        indices: [{ name: 'idx_login_failures_user_ip', columnNames: ['username', 'ip'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'login_locks',
        columns: [
          idColumn,
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'ip', type: 'varchar', length: '64' },
          epochColumn('locked_until'),
        ],
        indices: [{ name: 'idx_login_locks_user_ip', columnNames: ['username', 'ip'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          idColumn,
          { name: 'name', type: 'varchar', length: '64', isUnique: true },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'prefix', type: 'varchar', length: '16' },
          { name: 'scopes', type: 'text' },
          { name: 'created_by', type: 'varchar', length: '64' },
          epochColumn('created_at'),
          epochColumn('last_used_at', true),
          epochColumn('expires_at', true),
          epochColumn('revoked_at', true),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          idColumn,
          epochColumn('at'),
          { name: 'actor_kind', type: 'varchar', length: '16' },
          { name: 'actor_name', type: 'varchar', length: '128' },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'target', type: 'varchar', length: '256', isNullable: true },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'details', type: 'text' },
        ],
      }),
    );
    await queryRunner.createIndices('audit_events', [
      new TableIndex({ name: 'idx_audit_events_at', columnNames: ['at'] }),
      new TableIndex({ name: 'idx_audit_events_actor', columnNames: ['actor_name'] }),
    ]);

    await queryRunner.createTable(
      new Table({
        name: 'audit_read_markers',
        columns: [
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'last_read_id', type: 'integer' },
          epochColumn('updated_at'),
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'audit_read_markers',
      new TableForeignKey({
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audit_read_markers',
      'audit_events',
      'api_tokens',
      'login_locks',
      'login_failures',
      'sessions',
      'users',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
