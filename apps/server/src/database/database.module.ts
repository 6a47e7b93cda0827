import { Global, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '@avisa/migrations';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppConfigService } from '../config/app-config.service';
import { DatabaseHealth } from './database-faults';
import { ENTITIES } from './entities';
import { guardSqliteConnection } from './sqlite-connection';

interface SqliteHandle {
  pragma(source: string, options?: { simple: boolean }): unknown;
}

/** Any fixed number: the PostgreSQL advisory lock every instance takes around its migrations. */
const MIGRATION_LOCK = 4_710_0001;

async function migrateUnderLock(dataSource: DataSource): Promise<void> {
  const session = dataSource.createQueryRunner();
  await session.connect();
  try {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await session.release();
  }
}

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => {
        const shared = {
          entities: ENTITIES,
          migrations: MIGRATIONS,
          migrationsRun: true,
          migrationsTransactionMode: 'each' as const,
          synchronize: false,
          logging: ['error' as const],
        };
        const url = config.get('AVISA_DATABASE_URL');
        if (url) {
          return {
            type: 'postgres' as const,
            url,
            extra: { max: config.get('AVISA_DATABASE_POOL_SIZE') },
            ...shared,
            // Run under a lock by the factory below: instances started together must not migrate at once.
            migrationsRun: false,
          };
        }
        const database = config.databaseFile;
        // Short: better-sqlite3 waits for a lock synchronously, and the whole process waits with it. A write that
        // cannot get the lock in time answers 503 with Retry-After instead.
        const busyMs = config.get('AVISA_DATABASE_BUSY_TIMEOUT_MS');
        const maxMb = config.get('AVISA_DATABASE_MAX_MB');
        mkdirSync(dirname(database), { recursive: true });
        return {
          type: 'better-sqlite3' as const,
          database,
          enableWAL: true,
          timeout: busyMs,
          // Room for every statement shape the server uses (EntityStatements keeps them few); with the default
          // 100 the hot statements were pushed out and prepared again on their next call.
          statementCacheSize: 500,
          // FULL makes every commit durable across power loss, not only across a process crash.
          prepareDatabase: (db: SqliteHandle) => {
            db.pragma(`busy_timeout = ${busyMs}`);
            db.pragma('synchronous = FULL');
            // A statement that writes several rows inside a transaction keeps a statement journal. On disk (the
            // default) SQLite buffers it in 64 KB chunks, which the deployment's MALLOC_MMAP_THRESHOLD_ turns into
            // an mmap, page faults and an munmap per batch; in memory it grows in 1 KB chunks.
            db.pragma('temp_store = MEMORY');
            if (maxMb > 0) {
              const pageSize = Number(db.pragma('page_size', { simple: true }));
              db.pragma(`max_page_count = ${Math.floor((maxMb * 1024 * 1024) / pageSize)}`);
            }
          },
          ...shared,
        };
      },
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const dataSource = await new DataSource(options!).initialize();
        if (options?.type === 'postgres') await migrateUnderLock(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [DatabaseHealth],
  exports: [DatabaseHealth],
})
export class DatabaseModule implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfigService,
    health: DatabaseHealth,
  ) {
    // In the constructor: before any module's start-up work runs a query.
    if (dataSource.options.type === 'better-sqlite3') guardSqliteConnection(dataSource, health);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.dataSource.options.type === 'postgres') {
      const [row] = (await this.dataSource.query('SHOW server_version')) as { server_version: string }[];
      new Logger('Database').log(`PostgreSQL ${row.server_version} at ${this.config.databaseLocation}`);
      return;
    }
    const [journal] = (await this.dataSource.query('PRAGMA journal_mode')) as { journal_mode: string }[];
    const [sync] = (await this.dataSource.query('PRAGMA synchronous')) as { synchronous: number }[];
    const [temp] = (await this.dataSource.query('PRAGMA temp_store')) as { temp_store: number }[];
    const level = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][sync.synchronous] ?? String(sync.synchronous);
    const tempStore = ['DEFAULT', 'FILE', 'MEMORY'][temp.temp_store] ?? String(temp.temp_store);
    new Logger('Database').log(
      `SQLite ${this.config.databaseFile} (journal_mode=${journal.journal_mode}, synchronous=${level}, temp_store=${tempStore})`,
    );
  }
}
