import type { Role } from '@avisa/contracts';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Agent, buildConnector, request } from 'undici';

export const ROOT = resolve(__dirname, '..', '..');
export const SERVER_MAIN = join(ROOT, 'dist/apps/server/apps/server/src/main.js');
export const WEB_DIR = join(ROOT, 'angular-web/dist/browser');
export const ADMIN_PASSWORD = 'Avisa-e2e-admin-Pw!';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse the folders of an earlier run (restart). */
  dir?: string;
  port?: number;
}

/**
 * Set to run the suite on PostgreSQL (and Redis): each server gets its own database, created from this one,
 * and its own Redis key prefix, named after its folder so a restart on the same folder finds them again.
 */
export const TEST_DATABASE_URL = process.env.AVISA_TEST_DATABASE_URL ?? '';
export const TEST_REDIS_URL = process.env.AVISA_TEST_REDIS_URL ?? '';
export const ON_POSTGRES = TEST_DATABASE_URL !== '';

export function databaseNameFor(dir: string): string {
  return `avisa_${basename(dir)
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()}`;
}

export function databaseUrlFor(dir: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${databaseNameFor(dir)}`;
  return url.toString();
}

function onMaintenanceDb(sql: string): void {
  execFileSync('psql', [TEST_DATABASE_URL, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: 'pipe' });
}

/** The services a server in this run uses besides its folder: a fresh PostgreSQL database, a Redis prefix. */
export async function serviceEnvFor(dir: string, fresh: boolean): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  if (TEST_DATABASE_URL) {
    if (fresh) onMaintenanceDb(`CREATE DATABASE ${databaseNameFor(dir)}`);
    env.AVISA_DATABASE_URL = databaseUrlFor(dir);
  }
  if (TEST_REDIS_URL) {
    env.AVISA_REDIS_URL = TEST_REDIS_URL;
    env.AVISA_REDIS_PREFIX = databaseNameFor(dir);
  }
  return env;
}

export async function dropServicesFor(dir: string): Promise<void> {
  if (TEST_DATABASE_URL) onMaintenanceDb(`DROP DATABASE IF EXISTS ${databaseNameFor(dir)} WITH (FORCE)`);
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The built server, started as a real process on a free port with its own SQLite file, logs and certificate. */
export class TestServer {
  readonly output: string[] = [];
  private readonly agents = new Map<string, Agent>();

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly process: ChildProcess,
  ) {}

  static async start(options: StartOptions = {}): Promise<TestServer> {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'avisa-e2e-'));
    const port = options.port ?? (await freePort());
    const services = await serviceEnvFor(dir, options.dir === undefined);
    const child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        AVISA_HOST: '127.0.0.1',
        AVISA_PORT: String(port),
        AVISA_ADMIN_PASSWORD: ADMIN_PASSWORD,
        AVISA_LOG_LEVEL: 'info',
        AVISA_WEB_DIR: WEB_DIR,
        ...services,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new TestServer(dir, port, child);
    child.stdout!.on('data', (chunk: Buffer) => server.output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => server.output.push(chunk.toString()));
    await server.waitUntilListening();
    return server;
  }

  /**
   * Another instance of the same deployment: its own folder and port, the same PostgreSQL database, Redis prefix
   * and TLS certificate (as behind a load balancer).
   */
  static async startAnother(first: TestServer, env: Record<string, string> = {}): Promise<TestServer> {
    if (!TEST_DATABASE_URL || !TEST_REDIS_URL) throw new Error('several instances need PostgreSQL and Redis');
    const dir = mkdtempSync(join(tmpdir(), 'avisa-e2e-'));
    cpSync(first.path('certs'), join(dir, 'certs'), { recursive: true });
    return TestServer.start({
      dir,
      env: {
        AVISA_DATABASE_URL: databaseUrlFor(first.dir),
        AVISA_REDIS_URL: TEST_REDIS_URL,
        AVISA_REDIS_PREFIX: databaseNameFor(first.dir),
        ...env,
      },
    });
  }

  get baseUrl(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get text(): string {
    return this.output.join('');
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  private async waitUntilListening(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error(`server exited with ${this.process.exitCode}:\n${this.text}`);
      }
      if (this.text.includes('Avisa listening on')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not start in 30 s:\n${this.text}`);
  }

  /**
   * Trusts exactly the certificate this server generated; certificate checks stay on.
   * `from` picks another loopback source address (127.0.0.2, …) to act as a second client machine.
   */
  private dispatcher(from = ''): Agent {
    let agent = this.agents.get(from);
    if (!agent) {
      const ca = readFileSync(this.path('certs', 'server.crt'));
      const connector = buildConnector({ ca, servername: 'localhost' });
      // undici takes the source address per connection, not from the Agent's options.
      agent = new Agent({ connect: (opts, done) => connector(from ? { ...opts, localAddress: from } : opts, done) });
      this.agents.set(from, agent);
    }
    return agent;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the API answers
  async api<T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string>; from?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await request(`${this.baseUrl}${path}`, {
      method: method as 'GET',
      headers,
      body,
      dispatcher: this.dispatcher(options.from),
    });
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.statusCode, headers: response.headers, body: parsed as T };
  }

  /** A request with bytes in and bytes out (uploads, downloads, ranges). */
  async bytes(
    method: string,
    path: string,
    options: { token?: string; body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await request(`${this.baseUrl}${path}`, {
      method: method as 'GET',
      headers,
      body: options.body,
      dispatcher: this.dispatcher(),
    });
    return {
      status: response.statusCode,
      headers: response.headers,
      body: Buffer.from(await response.body.arrayBuffer()),
    };
  }

  async login(username: string, password: string): Promise<string> {
    const response = await this.api<{ token: string }>('POST', '/api/v1/auth/login', { body: { username, password } });
    if (response.status !== 200)
      throw new Error(`login ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.token;
  }

  loginAdmin(): Promise<string> {
    return this.login('admin', ADMIN_PASSWORD);
  }

  async createUser(adminToken: string, username: string, role: Role, password: string) {
    const response = await this.api('POST', '/api/v1/users', { token: adminToken, body: { username, role, password } });
    if (response.status !== 201)
      throw new Error(`create user failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: number; username: string };
  }

  readLog(name: string): string {
    try {
      return readFileSync(this.path('logs', name), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }

  async dispose(): Promise<void> {
    await this.stop();
    await dropServicesFor(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
