import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Agent, request } from 'undici';
import { MIGRATIONS } from '@avisa/migrations';
import {
  ADMIN_PASSWORD,
  ON_POSTGRES,
  SERVER_MAIN,
  TestServer,
  dropServicesFor,
  freePort,
  serviceEnvFor,
} from './support/server';
import { countRows, queryDb } from './support/database';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
}

/** Starts the built server with `env` and waits for it to exit on its own (a bad configuration must stop it). */
async function runUntilExit(env: Record<string, string>): Promise<Exit> {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-e2e-startup-'));
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      AVISA_HOST: '127.0.0.1',
      AVISA_PORT: String(await freePort()),
      AVISA_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...(await serviceEnvFor(dir, true)),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      done(exitCode);
    });
  });
  return { code, stdout, stderr, dir };
}

async function cleanUp(dir: string): Promise<void> {
  await dropServicesFor(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** An HTTPS client that trusts exactly one certificate file. */
async function getWithCa(caFile: string, port: number, path: string) {
  const agent = new Agent({ connect: { ca: readFileSync(caFile), servername: 'localhost' } });
  try {
    const response = await request(`https://127.0.0.1:${port}${path}`, { dispatcher: agent });
    return { status: response.statusCode, body: (await response.body.json()) as { status?: string } };
  } finally {
    await agent.close();
  }
}

/** SHA-256 fingerprint of the certificate the server presents. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((done, fail) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      done(socket.getPeerX509Certificate()!.fingerprint256);
      socket.end();
    });
    socket.once('error', fail);
  });
}

/** The protocol and cipher the server agrees to, or the handshake error, for a client offering only `options`. */
function negotiate(port: number, options: { ciphers?: string; maxVersion?: 'TLSv1.2' | 'TLSv1.3' }) {
  return new Promise<{ protocol: string | null; cipher: string }>((done, fail) => {
    const socket = tlsConnect(
      { host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...options },
      () => {
        done({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
        socket.end();
      },
    );
    socket.once('error', fail);
  });
}

function plainHttpGet(port: number): Promise<number> {
  return new Promise((done, fail) => {
    const req = httpGet({ host: '127.0.0.1', port, path: '/api/v1/health', timeout: 5000 }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', fail);
  });
}

describe('start-up and configuration', () => {
  describe('refuses a bad configuration: exits non-zero naming the variable', () => {
    it.each([
      [{ AVISA_PORT: 'notaport' }, /AVISA_PORT: .*\(got "notaport"\)/],
      [{ AVISA_LOGIN_MAX_FAILURES: '0' }, /AVISA_LOGIN_MAX_FAILURES: must be greater than or equal to 1/],
      [{ AVISA_LOG_LEVEL: 'loud' }, /AVISA_LOG_LEVEL: must be one of \[error, warn, info, debug\] \(got "loud"\)/],
      [{ AVISA_BODY_LIMIT: 'huge' }, /AVISA_BODY_LIMIT: must be a size such as 100kb or 1mb/],
      [
        { AVISA_SESSION_IDLE_SECONDS: '600', AVISA_SESSION_ABSOLUTE_SECONDS: '60' },
        /AVISA_SESSION_IDLE_SECONDS: must not exceed/,
      ],
    ])('%j', async (env, message) => {
      const run = await runUntilExit(env);
      try {
        expect(run.code).not.toBe(0);
        expect(run.code).not.toBeNull();
        expect(run.stderr).toMatch(/^Invalid configuration:/);
        expect(run.stderr).toMatch(message);
        expect(run.stdout).not.toContain('Avisa listening');
        // Refused before anything was created.
        expect(existsSync(join(run.dir, 'data'))).toBe(false);
      } finally {
        await cleanUp(run.dir);
      }
    });

    it('a common AVISA_ADMIN_PASSWORD ("password") stops the first start, creating no admin', async () => {
      const run = await runUntilExit({ AVISA_ADMIN_PASSWORD: 'password' });
      try {
        expect(run.code).not.toBe(0);
        expect(run.code).not.toBeNull();
        expect(run.stderr).toMatch(/AVISA_ADMIN_PASSWORD: is one of the most commonly used passwords/);
        expect(run.stdout + run.stderr).not.toContain('Avisa listening');
        const stub = { dir: run.dir, path: (...parts: string[]) => join(run.dir, ...parts) } as TestServer;
        if (ON_POSTGRES || existsSync(stub.path('data', 'avisa.sqlite'))) expect(countRows(stub, 'users')).toBe(0);
      } finally {
        await cleanUp(run.dir);
      }
    });

    it('AVISA_TLS_CERT without AVISA_TLS_KEY is refused naming AVISA_TLS_KEY', async () => {
      const run = await runUntilExit({ AVISA_TLS_CERT: '/nonexistent/server.crt' });
      try {
        expect(run.code).not.toBe(0);
        expect(run.code).not.toBeNull();
        expect(run.stderr).toMatch(/AVISA_TLS_KEY/);
        expect(run.stdout).not.toContain('Avisa listening');
      } finally {
        await cleanUp(run.dir);
      }
    });
  });

  describe('first start without AVISA_ADMIN_PASSWORD', () => {
    let server: TestServer;
    let password: string;

    beforeAll(async () => {
      // An empty value counts as unset, so the server makes up the password.
      server = await TestServer.start({ env: { AVISA_ADMIN_PASSWORD: '' } });
    });

    afterAll(() => server.dispose());

    it('prints a random admin password once on the console', () => {
      const shown = [...server.text.matchAll(/the "admin" password is: (\S+)/g)];
      expect(shown).toHaveLength(1);
      password = shown[0][1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(password).not.toBe(ADMIN_PASSWORD);
    });

    it('that password logs in as the built-in admin', async () => {
      const token = await server.login('admin', password);
      const me = await server.api('GET', '/api/v1/auth/me', { token });
      expect(me.body).toMatchObject({ kind: 'user', username: 'admin', role: 'admin' });
      expect(queryDb(server, "SELECT builtin, role FROM users WHERE username = 'admin'")).toEqual([
        { builtin: 1, role: 'admin' },
      ]);
    });

    it('the password is not written to servidor.log or acciones.log', () => {
      const serverLog = server.readLog('servidor.log');
      expect(serverLog).toMatch(/Created the built-in "admin" account with a random password/);
      expect(serverLog).not.toContain(password);
      expect(server.readLog('acciones.log')).not.toContain(password);
    });

    it('ran the migrations: the tables exist (and SQLite is in WAL mode)', () => {
      const tables = queryDb<{ name: string }>(
        server,
        ON_POSTGRES
          ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
          : "SELECT name FROM sqlite_master WHERE type = 'table'",
      ).map((t) => t.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'users',
          'sessions',
          'audit_events',
          'api_tokens',
          'audit_read_markers',
          'login_failures',
        ]),
      );
      // Every migration the build ships was applied, oldest first.
      expect(queryDb<{ name: string }>(server, 'SELECT name FROM migrations ORDER BY id').map((m) => m.name)).toEqual(
        MIGRATIONS.map((m) => new m().name ?? m.name),
      );
      expect(MIGRATIONS[0].name).toBe('Init1763830000000');
      if (!ON_POSTGRES) {
        expect(queryDb(server, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
        // Connection settings the server gives its own connection, as it reports them at start-up.
        expect(server.readLog('servidor.log')).toMatch(/synchronous=FULL, temp_store=MEMORY/);
      }
    });

    it('generated a TLS certificate and key in certs/, for localhost and 127.0.0.1', () => {
      const cert = new X509Certificate(readFileSync(server.path('certs', 'server.crt')));
      expect(cert.subjectAltName).toContain('DNS:localhost');
      expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
      expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
      expect(readFileSync(server.path('certs', 'server.key'), 'utf8')).toMatch(/-----BEGIN (EC )?PRIVATE KEY-----/);
      expect(statSync(server.path('certs', 'server.key')).mode & 0o077).toBe(0);
    });

    it('serves that certificate, and does not answer plain http://', async () => {
      const expected = new X509Certificate(readFileSync(server.path('certs', 'server.crt'))).fingerprint256;
      expect(await servedFingerprint(server.port)).toBe(expected);
      await expect(plainHttpGet(server.port)).rejects.toThrow();
      expect((await server.api('GET', '/api/v1/health')).status).toBe(200);
    });

    it('offers only AEAD cipher suites on TLS 1.2 (ECDHE with AES-GCM or ChaCha20-Poly1305), and TLS 1.3', async () => {
      await expect(
        negotiate(server.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA' }),
      ).rejects.toThrow(/handshake failure|no shared cipher/i);
      await expect(
        negotiate(server.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-SHA384:AES128-GCM-SHA256' }),
      ).rejects.toThrow(/handshake failure|no shared cipher/i);
      for (const cipher of ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305']) {
        expect(await negotiate(server.port, { maxVersion: 'TLSv1.2', ciphers: cipher })).toEqual({
          protocol: 'TLSv1.2',
          cipher,
        });
      }
      expect((await negotiate(server.port, {})).protocol).toBe('TLSv1.3');
    });

    it('after a restart on the same folder: no new password, the same one works, data and certificate survive', async () => {
      const admin = await server.login('admin', password);
      await server.createUser(admin, 'survivor', 'operator', 'Survivor-Pass-2026');
      const certBefore = readFileSync(server.path('certs', 'server.crt'), 'utf8');
      const auditBefore = countRows(server, 'audit_events');
      await server.stop();
      expect(server.process.exitCode ?? server.process.signalCode).not.toBeNull();

      const restarted = await TestServer.start({
        dir: server.dir,
        port: server.port,
        env: { AVISA_ADMIN_PASSWORD: '' },
      });
      try {
        expect(restarted.text).not.toMatch(/password is/);
        expect(readFileSync(restarted.path('certs', 'server.crt'), 'utf8')).toBe(certBefore);
        expect(countRows(restarted, 'audit_events')).toBeGreaterThanOrEqual(auditBefore);
        const again = await restarted.login('admin', password);
        const users = await restarted.api('GET', '/api/v1/users', { token: again });
        expect(users.body.map((u: { username: string }) => u.username).sort()).toEqual(['admin', 'survivor']);
        await expect(restarted.login('survivor', 'Survivor-Pass-2026')).resolves.toMatch(/^avs_/);
        // Still exactly one built-in admin.
        expect(countRows(restarted, 'users')).toBe(2);
      } finally {
        await restarted.stop();
      }
    });

    it('a server given AVISA_TLS_CERT and AVISA_TLS_KEY serves that certificate instead of generating one', async () => {
      const certFile = server.path('certs', 'server.crt');
      const other = await TestServer.start({
        env: { AVISA_TLS_CERT: certFile, AVISA_TLS_KEY: server.path('certs', 'server.key') },
      });
      try {
        expect(existsSync(other.path('certs', 'server.crt'))).toBe(false);
        expect(await servedFingerprint(other.port)).toBe(new X509Certificate(readFileSync(certFile)).fingerprint256);
        const health = await getWithCa(certFile, other.port, '/api/v1/health');
        expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
      } finally {
        await other.dispose();
      }
    });
  });
});
