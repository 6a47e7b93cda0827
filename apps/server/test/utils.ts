import 'reflect-metadata';
import { jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '@avisa/migrations';
import { ENTITIES } from '../src/database/entities';
import type { Actor } from '../src/common/actor';
import type { AppEnvironment } from '../src/config/environment';
import { validateEnvironment } from '../src/config/environment';
import type { AppConfigService } from '../src/config/app-config.service';
import type { MessageEntity } from '../src/messaging/message.entity';

export type Mocked<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? jest.Mock<(...args: A) => R> : T[K];
};

// Left undefined so a mock is not mistaken for a promise or given lifecycle hooks by Nest.
const NOT_MOCKED = new Set([
  'then',
  'onModuleInit',
  'onModuleDestroy',
  'onApplicationBootstrap',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
  'constructor',
  'toJSON',
]);

/** A stand-in whose methods are all jest mocks; the ones a test needs are set by the test. */
export function mockOf<T extends object>(methods: Partial<Record<keyof T, unknown>> = {}): Mocked<T> {
  return new Proxy(methods as Record<string | symbol, unknown>, {
    get(target, key) {
      if (typeof key === 'symbol' || NOT_MOCKED.has(key)) return target[key];
      if (!(key in target)) target[key] = jest.fn();
      return target[key];
    },
  }) as Mocked<T>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor, whatever its parameters
type Class<T = object> = abstract new (...args: any[]) => T;

export interface TestService<T> {
  /** The subject, built with a stand-in for every constructor parameter. */
  sut: T;
  /** The stand-in the subject got for `type`: a mock, or the object the test gave for it. */
  mock<C extends object>(type: Class<C>): Mocked<C>;
}

/**
 * Builds a service the way Nest would, in one line: every collaborator its constructor declares is a `mockOf` mock,
 * except those given as `[Type, instance]` pairs (a FakeClock, a test config, a real repository). A mock's methods
 * are set by the test through `mock(Type)`.
 */
export function newTestService<T>(
  Service: new (...args: never[]) => T,
  given: readonly (readonly [Class, object])[] = [],
): TestService<T> {
  const types = (Reflect.getMetadata('design:paramtypes', Service) ?? []) as Class[];
  const byType = new Map<Class, object>(given);
  const args = types.map((type) => {
    if (!byType.has(type)) byType.set(type, mockOf());
    return byType.get(type);
  });
  return {
    sut: new (Service as new (...args: unknown[]) => T)(...args),
    mock: <C extends object>(type: Class<C>) => {
      const found = byType.get(type);
      if (!found) throw new Error(`${Service.name} takes no ${type.name}`);
      return found as Mocked<C>;
    },
  };
}

export class FakeClock {
  constructor(public time = Date.parse('2026-11-22T10:00:00Z')) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export function testConfig(overrides: Partial<Record<keyof AppEnvironment, string>> = {}): AppConfigService {
  const env = validateEnvironment(overrides);
  return { get: (key: keyof AppEnvironment) => env[key] } as unknown as AppConfigService;
}

/** An alert as stored: sent a minute before `now`, live for an hour, not withdrawn. */
export function storedAlert(now: number, overrides: Partial<MessageEntity> = {}): MessageEntity {
  return {
    id: 'm1',
    text: 'Revisad la nevera',
    priority: 'normal',
    senderDisplay: 'Soporte',
    createdAt: now - 60_000,
    expiresAt: now + 3_600_000,
    retractedAt: null,
    replies: null,
    attachments: null,
    ...overrides,
  } as MessageEntity;
}

export const adminActor: Actor = { kind: 'user', id: 1, name: 'admin', ip: '127.0.0.1' };

let template: string | undefined;

async function migratedTemplate(): Promise<string> {
  if (template) return template;
  const file = join(mkdtempSync(join(tmpdir(), 'avisa-template-')), 'template.sqlite');
  const source = new DataSource({ type: 'better-sqlite3', database: file, entities: ENTITIES, migrations: MIGRATIONS });
  await source.initialize();
  await source.runMigrations();
  await source.destroy();
  template = file;
  return file;
}

/** A real SQLite file: a fresh copy of a migrated template, for one test file. */
export async function createTestDatabase(): Promise<{ dataSource: DataSource; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-db-'));
  const file = join(dir, 'avisa.sqlite');
  copyFileSync(await migratedTemplate(), file);
  const dataSource = new DataSource({ type: 'better-sqlite3', database: file, entities: ENTITIES, enableWAL: true });
  await dataSource.initialize();
  return {
    dataSource,
    dispose: async () => {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
