import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './support/eventually';
import { type ApiResponse, TestServer } from './support/server';

/**
 * These faults are SQLite's: the file, its size limit and its lock live beside the server. Each server here runs on
 * SQLite even in the PostgreSQL pass of the suite.
 */
const SQLITE = { AVISA_DATABASE_URL: '', AVISA_REDIS_URL: '', AVISA_SEND_LIMIT_PER_MINUTE: '100000' };
const TEXT = 'Retirada de lote: revisar existencias del lote indicado. '.repeat(35).slice(0, 2000);

/** What a second program reading the file sees: only what was committed. */
function committedMessageIds(file: string): Set<string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return new Set((db.prepare('SELECT id FROM messages').all() as { id: string }[]).map((r) => r.id));
  } finally {
    db.close();
  }
}

interface Outcome {
  accepted: string[];
  refused: { status: number; message: string }[];
}

/**
 * Sends alerts one after another and in small bursts (so several share a group commit); after every 201 the alert
 * must already be readable by another connection — the promise a 201 makes.
 */
async function sendAndCheck(server: TestServer, token: string, file: string, count: number): Promise<Outcome> {
  const outcome: Outcome = { accepted: [], refused: [] };
  for (let i = 0; i < count; i += 4) {
    await Promise.all(
      [0, 1, 2, 3].map(async (j) => {
        const response = await server.api('POST', '/api/v1/messages', {
          token,
          body: { target: { kind: 'receiver', name: 'farmacia-norte' }, text: `${i + j} ${TEXT}`.slice(0, 2000) },
        });
        if (response.status === 201) {
          expect(committedMessageIds(file).has(response.body.id)).toBe(true);
          outcome.accepted.push(response.body.id);
        } else {
          outcome.refused.push({ status: response.status, message: response.body?.message });
        }
      }),
    );
  }
  return outcome;
}

async function historyTotal(server: TestServer, token: string): Promise<number> {
  const response = await server.api('GET', '/api/v1/messages?pageSize=1', { token });
  expect(response.status).toBe(200);
  return response.body.total;
}

describe('a database that cannot write (SQLite)', () => {
  it('never answers 201 for an alert it did not commit when the disk fills up, and writes again once space is freed', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'avisa-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
    const server = await TestServer.start({ env: { ...SQLITE, AVISA_DATA_DIR: mount } });
    const file = join(mount, 'avisa.sqlite');
    const filler = join(mount, 'filler');
    try {
      const admin = await server.loginAdmin();
      expect(
        (await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'farmacia-norte' } })).status,
      ).toBe(201);
      const { bavail, bsize } = statfsSync(mount);
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 64 * 1024)));

      const full = await sendAndCheck(server, admin, file, 80);
      expect(full.refused.length).toBeGreaterThan(0);
      for (const refusal of full.refused) {
        expect(refusal).toEqual({ status: 503, message: expect.stringMatching(/database.*(full|cannot write)/i) });
      }
      const health = await server.api('GET', '/api/v1/health');
      expect(health.status).toBe(503);
      expect(health.body.details.database.status).toBe('down');

      unlinkSync(filler);
      const freed = await sendAndCheck(server, admin, file, 8);
      expect(freed.refused).toEqual([]);
      expect((await server.api('GET', '/api/v1/health')).status).toBe(200);
      const site = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'farmacia-sur' } });
      expect(site.status).toBe(201);

      const accepted = [...full.accepted, ...freed.accepted];
      const before = await historyTotal(server, admin);
      // A refusal can come after the alert itself committed (its audit row did not fit): stored, but never a 201.
      expect(before).toBeGreaterThanOrEqual(accepted.length);
      expect(before).toBeLessThanOrEqual(accepted.length + full.refused.length);
      await server.stop('SIGKILL');
      const restarted = await TestServer.start({ dir: server.dir, env: { ...SQLITE, AVISA_DATA_DIR: mount } });
      try {
        const again = await restarted.loginAdmin();
        expect(await historyTotal(restarted, again)).toBe(before);
        const committed = committedMessageIds(file);
        expect(accepted.filter((id) => !committed.has(id))).toEqual([]);
        const sites = await restarted.api('GET', '/api/v1/receivers', { token: again });
        expect(sites.body.map((s: { name: string }) => s.name).sort()).toEqual(['farmacia-norte', 'farmacia-sur']);
      } finally {
        await restarted.stop();
      }
    } finally {
      await server.dispose();
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  it('answers 503 while the database is at its size limit, reports it in health, and recovers when rows are removed', async () => {
    const server = await TestServer.start({ env: { ...SQLITE, AVISA_DATABASE_MAX_MB: '1' } });
    const file = server.path('data', 'avisa.sqlite');
    try {
      const admin = await server.loginAdmin();
      expect(
        (await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'farmacia-norte' } })).status,
      ).toBe(201);
      const ballast = Array.from({ length: 60 }, (_, i) => `${i} ${'Frase de relleno para ocupar sitio. '.repeat(40)}`);
      expect((await server.api('PUT', '/api/v1/phrases', { token: admin, body: { phrases: ballast } })).status).toBe(
        200,
      );

      let full: Outcome = { accepted: [], refused: [] };
      for (let round = 0; round < 20 && !full.refused.length; round++) {
        const more = await sendAndCheck(server, admin, file, 40);
        full = { accepted: [...full.accepted, ...more.accepted], refused: more.refused };
      }
      expect(full.refused.length).toBeGreaterThan(0);
      expect(full.refused[0]).toEqual({ status: 503, message: expect.stringMatching(/database.*full/i) });
      // Health follows the last write, and a smaller row may still fit after a refusal (the alerts above went four
      // at a time): one alert at a time until one is refused, then health at once, with nothing written between.
      let health: ApiResponse<{ details: { database: unknown } }> | null = null;
      for (let probe = 0; probe < 20 && !health; probe++) {
        const one = await server.api('POST', '/api/v1/messages', {
          token: admin,
          body: { target: { kind: 'receiver', name: 'farmacia-norte' }, text: `probe ${probe} ${TEXT}`.slice(0, 2000) },
        });
        if (one.status === 201) full.accepted.push(one.body.id);
        else {
          expect(one.status).toBe(503);
          full.refused.push({ status: one.status, message: one.body?.message });
          health = await server.api('GET', '/api/v1/health');
        }
      }
      expect(health?.status).toBe(503);
      expect(health?.body.details.database).toEqual(expect.objectContaining({ status: 'down' }));

      expect((await server.api('PUT', '/api/v1/phrases', { token: admin, body: { phrases: [] } })).status).toBe(200);
      const freed = await sendAndCheck(server, admin, file, 4);
      expect(freed.refused).toEqual([]);
      expect((await server.api('GET', '/api/v1/health')).status).toBe(200);
      const stored = await historyTotal(server, admin);
      // Every 201 is stored; a refusal may follow its alert's own commit (the audit row did not fit), never precede it.
      expect(stored).toBeGreaterThanOrEqual(full.accepted.length + freed.accepted.length);
      expect(stored).toBeLessThanOrEqual(full.accepted.length + freed.accepted.length + full.refused.length);
    } finally {
      await server.dispose();
    }
  });

  it('answers 503 with Retry-After, not 500, while another program holds the write lock', async () => {
    const server = await TestServer.start({ env: SQLITE });
    try {
      const admin = await server.loginAdmin();
      const other = new Database(server.path('data', 'avisa.sqlite'));
      other.exec('BEGIN IMMEDIATE');
      try {
        const response = await server.api('POST', '/api/v1/receivers', {
          token: admin,
          body: { name: 'farmacia-este' },
        });
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBe('1');
        expect(response.body.message).toMatch(/database is busy/i);
        const health = await server.api('GET', '/api/v1/health');
        expect(health.status).toBe(503);
        expect(health.body.details.database).toEqual(
          expect.objectContaining({ status: 'down', message: expect.stringMatching(/busy/) }),
        );
        // Reads go on: in WAL mode a writer elsewhere does not block them.
        expect((await server.api('GET', '/api/v1/receivers', { token: admin })).status).toBe(200);
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      expect(
        (await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'farmacia-este' } })).status,
      ).toBe(201);
      expect((await server.api('GET', '/api/v1/health')).status).toBe(200);
    } finally {
      await server.dispose();
    }
  });
});

describe('a log disk that fills up', () => {
  it('goes on answering and auditing, warns once, and writes acciones.log again once space is freed', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'avisa-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount]);
    const server = await TestServer.start({ env: { ...SQLITE, AVISA_LOG_DIR: mount } });
    const filler = join(mount, 'filler');
    const actions = () => readFileSync(join(mount, 'acciones.log'), 'utf8');
    try {
      const admin = await server.loginAdmin();
      await eventually(actions, (text) => text.includes('auth.login.succeeded'));
      const { bavail, bsize } = statfsSync(mount);
      writeFileSync(filler, Buffer.alloc(bavail * bsize));

      for (let i = 0; i < 20; i++) {
        const text = `Frase ${i}: ${'revisar la nevera de vacunas antes del cierre. '.repeat(8)}`;
        expect((await server.api('POST', '/api/v1/phrases', { token: admin, body: { text } })).status).toBe(201);
      }
      const warning = /acciones\.log cannot be written \(ENOSPC\)/g;
      await eventually(
        () => server.text.match(warning)?.length ?? 0,
        (count) => count > 0,
      );
      expect(server.text.match(warning)).toHaveLength(1);
      expect((await server.api('GET', '/api/v1/health')).status).toBe(200);
      const audit = await server.api('GET', '/api/v1/audit?q=phrase.created&pageSize=50', { token: admin });
      expect(audit.body.total).toBe(20);

      unlinkSync(filler);
      // A write already under way when the space was freed may still fail: its lines stay in their audit rows only.
      let written = '';
      for (let i = 0; i < 10 && !written.includes('Tras liberar'); i++) {
        const text = `Tras liberar sitio ${i}`;
        expect((await server.api('POST', '/api/v1/phrases', { token: admin, body: { text } })).status).toBe(201);
        written = await eventually(actions, (t) => t.includes('Tras liberar'), 500);
      }
      expect(written).toMatch(
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - admin - phrase\.created #\d+ \{"text":"Tras liberar sitio \d"\}/m,
      );
    } finally {
      await server.dispose();
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });
});
