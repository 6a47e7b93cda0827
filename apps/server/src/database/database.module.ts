import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
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
export class DatabaseModule {}
