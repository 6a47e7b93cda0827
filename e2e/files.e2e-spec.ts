import type { FileResponse } from '@avisa/contracts';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clamd, INFECTED_SAMPLE } from './support/clamd';
import { countRows, queryDb } from './support/database';
import { passes } from './support/eventually';
import { TestServer } from './support/server';
import { openSocket } from './support/test-socket';

const PASSWORD = 'Files-Pass-2026!';
/** A small but real PDF: `%PDF` magic bytes, objects, trailer. */
const CLEAN_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n' +
    'trailer << /Root 1 0 R >>\n%%EOF\n',
);

function multipart(filename: string, content: Buffer, field = 'file') {
  const boundary = `----avisa${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  return {
    body: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function startServer(env: Record<string, string>) {
  const server = await TestServer.start({ env: { AVISA_LOGIN_IP_LIMIT: '200', ...env } });
  const tokens: Record<string, string> = { admin: await server.loginAdmin() };
  for (const [name, role] of [
    ['ana', 'operator'],
    ['pablo', 'operator'],
    ['raul', 'operator'],
    ['luis', 'member'],
    ['marta', 'member'],
  ] as const) {
    await server.createUser(tokens.admin, name, role, PASSWORD);
    tokens[name] = await server.login(name, PASSWORD);
  }
  const upload = async (as: string, filename: string, content: Buffer) => {
    const { body, headers } = multipart(filename, content);
    const response = await server.bytes('POST', '/api/v1/files', { token: tokens[as], body, headers });
    return {
      status: response.status,
      body: JSON.parse(response.body.toString() || 'null') as FileResponse & { message: string },
    };
  };
  const state = async (id: string, as = 'admin') =>
    (await server.api<FileResponse>('GET', `/api/v1/files/${id}`, { token: tokens[as] })).body;
  const download = (id: string, as: string, headers: Record<string, string> = {}) =>
    server.bytes('GET', `/api/v1/files/${id}/content`, { token: tokens[as], headers });
  const onDisk = () =>
    ['quarantine', 'released'].flatMap((folder) => {
      const dir = server.path('data', 'files', folder);
      return existsSync(dir) ? readdirSync(dir).map((f) => `${folder}/${f}`) : [];
    });
  /**
   * The stored files' ids, whichever folder a scan has moved them to meanwhile: a file renamed between the two
   * folder reads is seen in both (quarantine is read first, so none is missed), hence the set.
   */
  const idsOnDisk = () => [...new Set(onDisk().map((f) => f.split('/')[1]))].sort();
  return { server, tokens, upload, state, download, onDisk, idsOnDisk };
}

describe('shared files with a real ClamAV scanner', () => {
  let clamd: Clamd;
  let ctx: Awaited<ReturnType<typeof startServer>>;
  let clean: FileResponse;

  beforeAll(async () => {
    clamd = await Clamd.start();
    ctx = await startServer({ AVISA_CLAMD_SOCKET: clamd.socket, AVISA_FILES_MAX_MB: '1' });
  });

  afterAll(async () => {
    await ctx?.server.dispose();
    await clamd?.stop();
  });

  it('scans an upload in quarantine and releases it once clean, telling the web app live', async () => {
    const live = Object.fromEntries(
      ['admin', 'ana', 'pablo', 'luis'].map((who) => [
        who,
        openSocket(ctx.server, '/operators', { token: ctx.tokens[who] }),
      ]),
    );
    for (const socket of Object.values(live)) await socket.connected();
    const response = await ctx.upload('ana', 'Retirada lote 42.pdf', CLEAN_PDF);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'Retirada lote 42.pdf',
      size: CLEAN_PDF.length,
      mime: 'application/pdf',
      sha256: sha256(CLEAN_PDF),
      uploadedBy: 'ana',
    });
    expect(['quarantined', 'scanning', 'clean']).toContain(response.body.state);
    await passes(async () => expect((await ctx.state(response.body.id)).state).toBe('clean'), 15_000);
    clean = await ctx.state(response.body.id);
    expect(clean).toMatchObject({ downloadable: true, reason: null, scannedAt: expect.any(String) });
    expect(ctx.onDisk()).toContain(`released/${clean.id}`);
    const states = (who: string) =>
      live[who]
        .received<FileResponse>('file.updated')
        .filter((f) => f.id === clean.id)
        .map((f) => f.state);
    await passes(() => expect(states('admin').at(-1)).toBe('clean'));
    await passes(() => expect(states('ana').at(-1)).toBe('clean'));
    await passes(() => expect(states('luis')).toEqual(['clean']));
    // Another operator hears of it only once it can be downloaded, like everyone.
    expect(states('pablo')).toEqual(['clean']);
    for (const socket of Object.values(live)) socket.close();
  });

  it('serves a released file to any user as an attachment, never inline, with ranges and an ETag', async () => {
    const full = await ctx.download(clean.id, 'luis');
    expect(full.status).toBe(200);
    expect(full.body.equals(CLEAN_PDF)).toBe(true);
    expect(full.headers['content-disposition']).toBe('attachment; filename="Retirada lote 42.pdf"');
    expect(full.headers['x-content-type-options']).toBe('nosniff');
    expect(full.headers['content-security-policy']).toMatch(/^sandbox/);
    expect(full.headers.etag).toBe(`"${sha256(CLEAN_PDF)}"`);
    const part = await ctx.download(clean.id, 'luis', { range: 'bytes=5-12' });
    expect(part.status).toBe(206);
    expect(part.body.equals(CLEAN_PDF.subarray(5, 13))).toBe(true);
    expect(part.headers['content-range']).toBe(`bytes 5-12/${CLEAN_PDF.length}`);
    const unchanged = await ctx.download(clean.id, 'luis', { 'if-none-match': `"${sha256(CLEAN_PDF)}"` });
    expect(unchanged.status).toBe(304);
    const downloads = queryDb<{ actor_name: string }>(
      ctx.server,
      "SELECT actor_name FROM audit_events WHERE action = 'file.downloaded'",
    );
    expect(downloads.map((d) => d.actor_name)).toEqual(['luis', 'luis', 'luis']);
  });

  it('keeps an infected file in quarantine, says why, and lets only an admin delete it', async () => {
    const sample = readFileSync(INFECTED_SAMPLE);
    const response = await ctx.upload('ana', 'circular.pdf', sample);
    expect(response.status).toBe(201);
    await passes(async () => expect((await ctx.state(response.body.id)).state).toBe('infected'), 15_000);
    const infected = await ctx.state(response.body.id, 'ana');
    expect(infected).toMatchObject({ reason: 'clam.pdf.UNOFFICIAL', downloadable: false });
    expect(ctx.onDisk()).toContain(`quarantine/${infected.id}`);
    expect((await ctx.download(infected.id, 'ana')).status).toBe(403);
    expect((await ctx.download(infected.id, 'luis')).status).toBe(404);
    const release = await ctx.server.api('POST', `/api/v1/files/${infected.id}/release`, {
      token: ctx.tokens.admin,
      body: { reason: 'I trust it' },
    });
    expect(release.status).toBe(409);
    expect((await ctx.server.api('DELETE', `/api/v1/files/${infected.id}`, { token: ctx.tokens.luis })).status).toBe(
      403,
    );
    expect((await ctx.server.api('DELETE', `/api/v1/files/${infected.id}`, { token: ctx.tokens.admin })).status).toBe(
      204,
    );
    expect(ctx.onDisk()).not.toContain(`quarantine/${infected.id}`);
    const scanned = queryDb<{ details: string }>(
      ctx.server,
      "SELECT details FROM audit_events WHERE action = 'file.scanned' ORDER BY id",
    ).map((r) => JSON.parse(r.details) as { state: string });
    expect(scanned.map((d) => d.state)).toEqual(['clean', 'infected']);
    expect(queryDb(ctx.server, "SELECT id FROM audit_events WHERE action = 'file.deleted'")).toHaveLength(1);
  });

  it.each([
    ['an HTML page named .png', 'photo.png', '<!DOCTYPE html><script>alert(1)</script>'],
    ['an SVG named .png', 'logo.png', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ['an HTML page named .txt', 'notes.txt', '<html><body onload="alert(1)">hi</body></html>'],
  ])('refuses %s with 415, judging the content, and keeps nothing', async (_, filename, content) => {
    const before = ctx.idsOnDisk();
    const rows = countRows(ctx.server, 'files');
    const response = await ctx.upload('pablo', filename, Buffer.from(content));
    expect(response.status).toBe(415);
    expect(response.body.message).toMatch(/not one of the accepted types|not accepted/);
    expect(ctx.idsOnDisk()).toEqual(before);
    expect(countRows(ctx.server, 'files')).toBe(rows);
  });

  it('keeps the uploader name only as sanitized metadata: no path reaches the disk', async () => {
    const response = await ctx.upload('pablo', '../../../../etc/cron.d/evil.txt', Buffer.from('hola'));
    expect(response.status).toBe(201);
    expect(response.body.name).toBe('evil.txt');
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx.idsOnDisk()).toContain(response.body.id);
    expect(existsSync(ctx.server.path('etc'))).toBe(false);
    const dotted = await ctx.upload('pablo', '..\\..\\.bashrc.txt', Buffer.from('hola'));
    expect(dotted.status).toBe(201);
    expect(dotted.body.name).toBe('bashrc.txt');
  });

  it('refuses a file over the limit with 413 and removes what was written', async () => {
    const before = ctx.idsOnDisk();
    const response = await ctx.upload('raul', 'huge.txt', Buffer.alloc(2 * 1024 * 1024, 'a'));
    expect(response.status).toBe(413);
    expect(ctx.idsOnDisk()).toEqual(before);
  });

  it('refuses uploads by members and deletions by anyone but admins', async () => {
    expect((await ctx.upload('luis', 'mine.pdf', CLEAN_PDF)).status).toBe(403);
    expect((await ctx.server.api('DELETE', `/api/v1/files/${clean.id}`, { token: ctx.tokens.ana })).status).toBe(403);
  });

  it('limits uploads and downloads per user and minute, with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await ctx.upload('raul', `note-${i}.txt`, Buffer.from('x'))).status);
    // raul's over-limit upload above was the first of the minute.
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    const downloads: number[] = [];
    for (let i = 0; i < 11; i++) downloads.push((await ctx.download(clean.id, 'marta')).status);
    expect(downloads.slice(0, 10).every((s) => s === 200)).toBe(true);
    const refused = await ctx.download(clean.id, 'marta');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('files attached to alerts and chat messages', () => {
  let clamd: Clamd;
  let ctx: Awaited<ReturnType<typeof startServer>>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    clamd = await Clamd.start();
    ctx = await startServer({ AVISA_CLAMD_SOCKET: clamd.socket });
    for (const name of ['norte-1', 'sur-1']) {
      const created = await ctx.server.api('POST', '/api/v1/receivers', { token: ctx.tokens.admin, body: { name } });
      expect(created.status).toBe(201);
      keys[name] = created.body.key;
    }
  });

  afterAll(async () => {
    await ctx?.server.dispose();
    await clamd?.stop();
  });

  const settled = async (filename: string, content: Buffer, state: string) => {
    const uploaded = await ctx.upload('ana', filename, content);
    expect(uploaded.status).toBe(201);
    await passes(async () => expect((await ctx.state(uploaded.body.id)).state).toBe(state), 15_000);
    return uploaded.body;
  };
  const siteDownload = (alertId: string, fileId: string, site: string, key = keys[site]) =>
    ctx.server.bytes('GET', `/api/v1/messages/${alertId}/attachments/${fileId}`, {
      headers: { 'x-avisa-site': site, authorization: `Bearer ${key}` },
    });

  it('sends an alert with a released file, which only the sites that received it download with their key', async () => {
    const file = await settled('Retirada lote 42.pdf', CLEAN_PDF, 'clean');
    const sent = await ctx.server.api('POST', '/api/v1/messages', {
      token: ctx.tokens.ana,
      body: { target: { kind: 'receiver', name: 'norte-1' }, text: 'Retirada del lote 42', attachments: [file.id] },
    });
    expect(sent.status).toBe(201);
    const alertId = sent.body.id as string;
    const expected = {
      id: file.id,
      name: 'Retirada lote 42.pdf',
      size: CLEAN_PDF.length,
      mime: 'application/pdf',
      sha256: sha256(CLEAN_PDF),
    };
    const detail = await ctx.server.api('GET', `/api/v1/messages/${alertId}`, { token: ctx.tokens.ana });
    expect(detail.body.attachments).toEqual([expected]);
    expect(detail.body.deliveries[0].attachmentsDownloadedAt).toBeNull();

    const own = await siteDownload(alertId, file.id, 'norte-1');
    expect(own.status).toBe(200);
    expect(own.body.equals(CLEAN_PDF)).toBe(true);
    expect(own.headers['content-disposition']).toBe('attachment; filename="Retirada lote 42.pdf"');
    const resumed = await siteDownload(alertId, file.id, 'norte-1');
    expect(resumed.status).toBe(200);
    expect((await siteDownload(alertId, file.id, 'sur-1')).status).toBe(403);
    expect((await siteDownload(alertId, file.id, 'norte-1', 'not-the-key')).status).toBe(401);
    const later = await ctx.server.api('GET', `/api/v1/messages/${alertId}`, { token: ctx.tokens.ana });
    expect(later.body.deliveries[0].attachmentsDownloadedAt).toEqual(expect.any(String));
    const audit = queryDb<{ actor_name: string }>(
      ctx.server,
      "SELECT actor_name FROM audit_events WHERE action = 'file.downloaded' ORDER BY id",
    );
    expect(audit.map((a) => a.actor_name)).toEqual(['site:norte-1', 'site:norte-1']);
  });

  it("lets a chat room's members download a file a message carries, and nobody else through the room", async () => {
    const file = await settled('Procedimiento frío.pdf', CLEAN_PDF, 'clean');
    const room = await ctx.server.api('POST', '/api/v1/rooms', {
      token: ctx.tokens.ana,
      body: { name: 'Incidencia frío', kind: 'private' },
    });
    expect(room.status).toBe(201);
    const roomId = room.body.id as number;
    const me = await ctx.server.api('GET', '/api/v1/auth/me', { token: ctx.tokens.luis });
    expect(
      (
        await ctx.server.api('PUT', `/api/v1/rooms/${roomId}/members/${me.body.id}`, {
          token: ctx.tokens.ana,
          body: {},
        })
      ).status,
    ).toBe(200);
    const posted = await ctx.server.api('POST', `/api/v1/rooms/${roomId}/messages`, {
      token: ctx.tokens.ana,
      body: { text: 'El procedimiento', attachments: [file.id] },
    });
    expect(posted.status).toBe(201);
    expect(posted.body.attachments).toEqual([expect.objectContaining({ id: file.id, name: 'Procedimiento frío.pdf' })]);
    const path = `/api/v1/rooms/${roomId}/messages/${posted.body.id}/attachments/${file.id}`;
    const byMember = await ctx.server.bytes('GET', path, { token: ctx.tokens.luis });
    expect(byMember.status).toBe(200);
    expect(byMember.body.equals(CLEAN_PDF)).toBe(true);
    expect((await ctx.server.bytes('GET', path, { token: ctx.tokens.marta })).status).toBe(403);
    const history = await ctx.server.api('GET', `/api/v1/rooms/${roomId}/messages`, { token: ctx.tokens.luis });
    expect(history.body.items[0].attachments.map((a: { id: string }) => a.id)).toEqual([file.id]);
  });

  it('refuses to attach a file that is not clean or released, naming it, and sends nothing', async () => {
    const infected = await settled('circular.pdf', readFileSync(INFECTED_SAMPLE), 'infected');
    const before = countRows(ctx.server, 'messages');
    const sent = await ctx.server.api('POST', '/api/v1/messages', {
      token: ctx.tokens.ana,
      body: { target: { kind: 'all' }, text: 'Circular', attachments: [infected.id] },
    });
    expect(sent.status).toBe(400);
    expect(sent.body.fields.attachments).toEqual([
      `attachments[0]: file "circular.pdf" is infected, not clean or released`,
    ]);
    const tooMany = await ctx.server.api('POST', '/api/v1/messages', {
      token: ctx.tokens.ana,
      body: { target: { kind: 'all' }, text: 'x', attachments: Array.from({ length: 6 }, () => infected.id) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.fields.attachments).toEqual(['attachments must hold at most 5 files']);
    expect(countRows(ctx.server, 'messages')).toBe(before);
  });
});

describe('shared files without a scanner, and a scanner that comes back', () => {
  it('keeps an upload in quarantine until an admin releases it, saying who and why', async () => {
    const ctx = await startServer({});
    try {
      const response = await ctx.upload('ana', 'precios.pdf', CLEAN_PDF);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        state: 'quarantined',
        reason: 'no virus scanner is configured: an admin reviews it',
        downloadable: false,
      });
      expect((await ctx.download(response.body.id, 'ana')).status).toBe(403);
      expect((await ctx.server.api('GET', '/api/v1/files', { token: ctx.tokens.luis })).body).toEqual([]);
      const noReason = await ctx.server.api('POST', `/api/v1/files/${response.body.id}/release`, {
        token: ctx.tokens.admin,
        body: { reason: ' ' },
      });
      expect(noReason.status).toBe(400);
      expect(noReason.body.fields.reason).toEqual(['reason must not be empty']);
      const released = await ctx.server.api<FileResponse>('POST', `/api/v1/files/${response.body.id}/release`, {
        token: ctx.tokens.admin,
        body: { reason: 'price list from the head office, checked by phone' },
      });
      expect(released.status).toBe(200);
      expect(released.body).toMatchObject({ releasedBy: 'admin', downloadable: true, state: 'quarantined' });
      expect((await ctx.download(response.body.id, 'luis')).body.equals(CLEAN_PDF)).toBe(true);
      const [audit] = queryDb<{ actor_name: string; details: string }>(
        ctx.server,
        "SELECT actor_name, details FROM audit_events WHERE action = 'file.released'",
      );
      expect(audit.actor_name).toBe('admin');
      expect(JSON.parse(audit.details)).toMatchObject({ why: 'price list from the head office, checked by phone' });
    } finally {
      await ctx.server.dispose();
    }
  });

  it('marks uploads "scanner unavailable" while clamd is away, and scans them when it comes back', async () => {
    const socket = join(tmpdir(), `avisa-late-${randomBytes(4).toString('hex')}.sock`);
    const ctx = await startServer({ AVISA_CLAMD_SOCKET: socket, AVISA_FILES_RESCAN_SECONDS: '1' });
    let clamd: Clamd | undefined;
    try {
      const response = await ctx.upload('ana', 'procedimiento.pdf', CLEAN_PDF);
      expect(response.status).toBe(201);
      await passes(async () => expect((await ctx.state(response.body.id)).state).toBe('scanner_unavailable'), 10_000);
      expect((await ctx.state(response.body.id)).reason).toMatch(/unreachable/);
      clamd = await Clamd.start(socket);
      await passes(async () => expect((await ctx.state(response.body.id)).state).toBe('clean'), 20_000);
    } finally {
      await ctx.server.dispose();
      await clamd?.stop();
    }
  });
});
