import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@avisa/migrations';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppConfigService } from '../config/app-config.service';
import { ENTITIES } from './entities';

interface SqliteHandle {
  pragma(source: string): unknown;
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => {
        const database = config.databaseFile;
        mkdirSync(dirname(database), { recursive: true });
        return {
          type: 'better-sqlite3' as const,
          database,
          enableWAL: true,
          timeout: 5000,
          // FULL makes every commit durable across power loss, not only across a process crash.
          prepareDatabase: (db: SqliteHandle) => {
            db.pragma('busy_timeout = 5000');
            db.pragma('synchronous = FULL');
          },
          entities: ENTITIES,
          migrations: MIGRATIONS,
          migrationsRun: true,
          migrationsTransactionMode: 'each' as const,
          synchronize: false,
          logging: ['error' as const],
        };
      },
    }),
  ],
})
export class DatabaseModule implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const [journal] = (await this.dataSource.query('PRAGMA journal_mode')) as { journal_mode: string }[];
    const [sync] = (await this.dataSource.query('PRAGMA synchronous')) as { synchronous: number }[];
    const level = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][sync.synchronous] ?? String(sync.synchronous);
    new Logger('Database').log(
      `SQLite ${this.config.databaseFile} (journal_mode=${journal.journal_mode}, synchronous=${level})`,
    );
  }
}
