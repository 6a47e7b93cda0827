import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { epochColumn, idColumn } from './columns';

/**
 * Chat rooms: the rooms, their members with each one's delivered and read markers, the stored messages (never those
 * of an ephemeral room) numbered per room, and the API tokens allowed to post into a room.
 */
export class Rooms1763920000000 implements MigrationInterface {
  name = 'Rooms1763920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'rooms',
        columns: [
          idColumn,
          { name: 'name', type: 'varchar', length: '80' },
          { name: 'name_key', type: 'varchar', length: '80', isUnique: true },
          { name: 'description', type: 'varchar', length: '500', default: "''" },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'code', type: 'varchar', length: '32', isNullable: true, isUnique: true },
          { name: 'password_hash', type: 'varchar', length: '128', isNullable: true },
          { name: 'retention_days', type: 'integer', isNullable: true },
          { name: 'last_seq', type: 'integer', default: 0 },
          epochColumn('last_message_at', true),
          epochColumn('archived_at', true),
          epochColumn('created_at'),
          epochColumn('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'room_members',
        columns: [
          { name: 'room_id', type: 'integer', isPrimary: true },
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'delivered_seq', type: 'integer', default: 0 },
          { name: 'read_seq', type: 'integer', default: 0 },
          epochColumn('joined_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['room_id'],
            referencedTableName: 'rooms',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'IDX_room_members_user', columnNames: ['user_id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'room_messages',
        columns: [
          idColumn,
          { name: 'room_id', type: 'integer' },
          { name: 'seq', type: 'integer' },
          { name: 'author_id', type: 'integer', isNullable: true },
          { name: 'author_name', type: 'varchar', length: '128' },
          { name: 'author_display', type: 'varchar', length: '128' },
          { name: 'text', type: 'text' },
          { name: 'mentions', type: 'text', default: "''" },
          epochColumn('created_at'),
          epochColumn('edited_at', true),
          epochColumn('deleted_at', true),
        ],
        foreignKeys: [
          {
            columnNames: ['room_id'],
            referencedTableName: 'rooms',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createIndex(
      'room_messages',
      new TableIndex({ name: 'IDX_room_messages_seq', columnNames: ['room_id', 'seq'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'room_messages',
      new TableIndex({ name: 'IDX_room_messages_created', columnNames: ['room_id', 'created_at'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'room_tokens',
        columns: [
          { name: 'room_id', type: 'integer', isPrimary: true },
          { name: 'token_id', type: 'integer', isPrimary: true },
          epochColumn('granted_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['room_id'],
            referencedTableName: 'rooms',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['token_id'],
            referencedTableName: 'api_tokens',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('room_tokens');
    await queryRunner.dropTable('room_messages');
    await queryRunner.dropTable('room_members');
    await queryRunner.dropTable('rooms');
  }
}
