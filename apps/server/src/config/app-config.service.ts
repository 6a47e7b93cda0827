import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { join, resolve } from 'node:path';
import type { AppEnvironment } from './environment';

@Injectable()
export class AppConfigService {
  constructor(private readonly config: ConfigService<AppEnvironment, true>) {}

  get<K extends keyof AppEnvironment>(key: K): AppEnvironment[K] {
    return this.config.get(key, { infer: true });
  }

  get databaseFile(): string {
    const file = this.get('AVISA_DATABASE_FILE');
    return resolve(file || join(this.get('AVISA_DATA_DIR'), 'avisa.sqlite'));
  }

  /** Shared files: under the data folder unless set (with several instances, one folder all of them share). */
  get filesDir(): string {
    return resolve(this.get('AVISA_FILES_DIR') || join(this.get('AVISA_DATA_DIR'), 'files'));
  }

  /** Where the data lives, for logs: the SQLite file, or the PostgreSQL URL without its password. */
  get databaseLocation(): string {
    const url = this.get('AVISA_DATABASE_URL');
    if (!url) return this.databaseFile;
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  }
}
