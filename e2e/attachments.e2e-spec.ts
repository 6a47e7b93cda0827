import type { DeliveryResponse, FileResponse, SendMessageResponse } from '@avisa/contracts';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDb } from './support/database';
import { eventually } from './support/eventually';
import { disposeSitePcs, receiverBuilt, SitePc, stopAllReceivers } from './support/receiver';
import { TestServer } from './support/server';

/**
 * Files attached to alerts, end to end with real processes: the built server (no virus scanner, so an admin releases
 * each upload) and built `avisa-receiver` processes whose notifier and "default program" are recording scripts. What
 * is checked is what the person at the site and the operator would see: the file in the receiver's folder with the
 * right bytes, the log and `status`, the notification's "Abrir adjunto", what was opened, and the receipts.
 */
const WAIT_MS = 10_000;
const PASSWORD = 'Adjuntos-Pass-2026!';
const SERVER_ENV = {
  AVISA_LOGIN_IP_LIMIT: '100',
  AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000',
  // This spec shares a file in every test.
  AVISA_FILES_UPLOADS_PER_MINUTE: '100',
};

/** A PDF as the server judges files: `%PDF` magic bytes first; big enough to arrive in many chunks. */
function pdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n');
  return Buffer.concat([head, randomBytes(size - head.length)]);
}

function multipart(filename: string, content: Buffer) {
  const boundary = `----avisa${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  return {
    body: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('attachments reach the site PC, and open from the notification', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;

  beforeAll(async () => {
    if (!receiverBuilt()) throw new Error('Build first: npm run build');
    server = await TestServer.start({ env: SERVER_ENV });
    admin = await server.loginAdmin();
    await server.createUser(admin, 'ana', 'operator', PASSWORD);
    operator = await server.login('ana', PASSWORD);
  });

  afterEach(() => stopAllReceivers());

  afterAll(async () => {
    await disposeSitePcs();
    await server?.dispose();
  });

  /** Uploaded by the operator, released by an admin (no scanner here): ready to attach. */
  const shareFile = async (filename: string, content: Buffer): Promise<FileResponse> => {
    const { body, headers } = multipart(filename, content);
    const uploaded = await server.bytes('POST', '/api/v1/files', { token: operator, body, headers });
    expect(uploaded.status).toBe(201);
    const file = JSON.parse(uploaded.body.toString()) as FileResponse;
    const released = await server.api<FileResponse>('POST', `/api/v1/files/${file.id}/release`, {
      token: admin,
      body: { reason: 'circular from the head office, checked by phone' },
    });
    expect(released.status).toBe(200);
    expect(released.body.downloadable).toBe(true);
    return released.body;
  };

  const createSite = async (name: string, options: { clickAfterMs?: number; answerWith?: string } = {}) => {
    const response = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name } });
    expect(response.status).toBe(201);
    return SitePc.create(server, name, response.body.key as string, options);
  };

  const send = async (site: string, text: string, files: FileResponse[]) => {
    const response = await server.api<SendMessageResponse>('POST', '/api/v1/messages', {
      token: operator,
      body: { target: { kind: 'receiver', name: site }, text, attachments: files.map((f) => f.id) },
    });
    expect(response.status).toBe(201);
    return response.body;
  };

  const delivery = async (alertId: string, site: string): Promise<DeliveryResponse> => {
    const response = await server.api('GET', `/api/v1/messages/${alertId}`, { token: operator });
    expect(response.status).toBe(200);
    return (response.body.deliveries as DeliveryResponse[]).find((d) => d.receiver === site)!;
  };

  const waitConnected = async (pc: SitePc) => {
    const state = await eventually(
      () => pc.status()?.state,
      (s) => s === 'connected',
      WAIT_MS,
    );
    expect(state).toBe('connected');
  };

  /** Who fetched the file, as the server audited it (once per request). */
  const siteDownloads = (fileId: string) =>
    queryDb<{ actor_name: string }>(
      server,
      "SELECT actor_name FROM audit_events WHERE action = 'file.downloaded' AND target LIKE ? ORDER BY id",
      `file ${fileId} %`,
    ).map((row) => row.actor_name);

  const fileAt = (path: string) => (existsSync(path) ? readFileSync(path) : null);

  const expectLogged = async (pc: SitePc, text: string) => {
    const log = await eventually(
      () => pc.log(),
      (l) => l.includes(text),
      WAIT_MS,
    );
    expect(log).toContain(text);
    return log;
  };

  it('downloads the file of an alert sent while the site was offline, checks it, and says where it is', async () => {
    const content = pdf(300_000);
    const file = await shareFile('Retirada lote 42.pdf', content);
    const norte = await createSite('norte');
    const alert = await send('norte', 'Retirada del lote 42: ver circular adjunta', [file]);
    expect(alert.queued).toEqual(['norte']);
    expect((await delivery(alert.id, 'norte')).attachmentsDownloadedAt).toBeNull();

    norte.start();
    await waitConnected(norte);
    const path = norte.path('data', 'attachments', alert.id, 'Retirada lote 42.pdf');
    const saved = await eventually(
      () => fileAt(path),
      (bytes) => bytes !== null,
      WAIT_MS,
    );
    expect(saved?.equals(content)).toBe(true);
    expect(sha256(saved!)).toBe(file.sha256);
    // Only the verified file is in the alert's folder; nothing half-written is left anywhere.
    expect(readdirSync(norte.path('data', 'attachments', alert.id))).toEqual(['Retirada lote 42.pdf']);
    expect(readdirSync(norte.path('data', 'attachments', '.partial'))).toEqual([]);

    await expectLogged(norte, `Attachment saved: ${path}`);
    const status = await norte.statusCommand();
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`[${alert.id}] ${path}: downloaded`);

    const seen = await eventually(
      () => delivery(alert.id, 'norte'),
      (d) => d.state === 'delivered' && d.attachmentsDownloadedAt !== null,
      WAIT_MS,
    );
    expect(seen).toMatchObject({ state: 'delivered', attachmentsDownloadedAt: expect.any(String), readAt: null });
    // The person is offered the attachment as one of the notification's actions.
    const shown = norte.notifications().find((n) => n.text === 'Retirada del lote 42: ver circular adjunta');
    expect(shown?.args).toContain('--action=open-attachment=Abrir adjunto');
    expect(norte.opened()).toEqual([]);

    // Restarted, it does not fetch again what it has verified: downloads go one at a time, in order, so once a new
    // alert's file is saved, anything queued at the connection before it would have been fetched already.
    await norte.process!.stop();
    norte.start();
    await waitConnected(norte);
    const next = await send('norte', 'Segunda circular', [await shareFile('Anexo.pdf', pdf(5_000))]);
    await expectLogged(norte, `Attachment saved: ${norte.path('data', 'attachments', next.id, 'Anexo.pdf')}`);
    expect(norte.log().split(`Attachment saved: ${path}`)).toHaveLength(2);
    expect(siteDownloads(file.id)).toEqual(['site:norte']);
  });

  it('opens the attachment with the default program when the person chooses "Abrir adjunto", as a read', async () => {
    const content = pdf(120_000);
    const file = await shareFile('Protocolo frío.pdf', content);
    const sur = await createSite('sur', { clickAfterMs: 300, answerWith: 'open-attachment' });
    sur.start();
    await waitConnected(sur);
    const alert = await send('sur', 'Nuevo protocolo de cadena de frío', [file]);
    expect(alert.online).toEqual(['sur']);

    const path = sur.path('data', 'attachments', alert.id, 'Protocolo frío.pdf');
    const opened = await eventually(
      () => sur.opened(),
      (o) => o.length > 0,
      WAIT_MS,
    );
    expect(opened).toEqual([[path]]);
    expect(fileAt(path)?.equals(content)).toBe(true);
    const read = await eventually(
      () => delivery(alert.id, 'sur'),
      (d) => d.state === 'read',
      WAIT_MS,
    );
    expect(read).toMatchObject({
      state: 'read',
      readAt: expect.any(String),
      attachmentsDownloadedAt: expect.any(String),
    });
    await expectLogged(sur, `Opened ${path} with the default program`);
    await expectLogged(sur, `Alert ${alert.id} read (opened its attachment)`);
  });

  it('keeps two files of the same name apart, and opens their folder from the one action "Abrir adjuntos"', async () => {
    const first = pdf(50_000);
    const second = pdf(60_000);
    const files = [await shareFile('Circular.pdf', first), await shareFile('Circular.pdf', second)];
    const este = await createSite('este', { clickAfterMs: 300, answerWith: 'open-attachment' });
    este.start();
    await waitConnected(este);
    const alert = await send('este', 'Dos circulares', files);

    const folder = este.path('data', 'attachments', alert.id);
    const opened = await eventually(
      () => este.opened(),
      (o) => o.length > 0,
      WAIT_MS,
    );
    expect(opened).toEqual([[folder]]);
    expect(readdirSync(folder).sort()).toEqual(['Circular (2).pdf', 'Circular.pdf']);
    expect(fileAt(join(folder, 'Circular.pdf'))?.equals(first)).toBe(true);
    expect(fileAt(join(folder, 'Circular (2).pdf'))?.equals(second)).toBe(true);
    const shown = este.notifications().find((n) => n.text === 'Dos circulares');
    expect(shown?.args.filter((a) => a.startsWith('--action='))).toEqual(['--action=open-attachment=Abrir adjuntos']);
    expect(
      (
        await eventually(
          () => delivery(alert.id, 'este'),
          (d) => d.state === 'read',
          WAIT_MS,
        )
      ).state,
    ).toBe('read');
  });

  /** What a receiver stopped in the middle of a download leaves behind: the bytes it had, in its `.part` file. */
  const leavePart = (pc: SitePc, alertId: string, fileId: string, bytes: Buffer) => {
    mkdirSync(pc.path('data', 'attachments', '.partial'), { recursive: true });
    writeFileSync(pc.path('data', 'attachments', '.partial', `${alertId}-${fileId}.part`), bytes);
  };

  it('resumes a download cut off by a stop where it stopped, asking for the rest of that same file', async () => {
    const content = pdf(200_000);
    const file = await shareFile('Inventario.pdf', content);
    const norte2 = await createSite('norte-2');
    const alert = await send('norte-2', 'Inventario trimestral', [file]);
    leavePart(norte2, alert.id, file.id, content.subarray(0, 120_000));

    norte2.start();
    const path = norte2.path('data', 'attachments', alert.id, 'Inventario.pdf');
    await expectLogged(norte2, `Attachment saved: ${path} (resumed at byte 120000)`);
    expect(fileAt(path)?.equals(content)).toBe(true);
    expect(siteDownloads(file.id)).toEqual(['site:norte-2']);
  });

  it('deletes a download that does not match its SHA-256, says why, and fetches it whole at the next connection', async () => {
    const content = pdf(80_000);
    const file = await shareFile('Tarifas.pdf', content);
    const sur2 = await createSite('sur-2');
    const alert = await send('sur-2', 'Tarifas nuevas', [file]);
    // The first half of what it has is not this file: the rest, resumed, cannot give the announced SHA-256.
    leavePart(sur2, alert.id, file.id, pdf(40_000));

    sur2.start();
    const log = await expectLogged(sur2, `Attachment "Tarifas.pdf" of alert ${alert.id} was not downloaded`);
    expect(log).toContain(
      `not the ${file.sha256} the alert announced; the download was removed; it will be tried again at the next connection`,
    );
    const path = sur2.path('data', 'attachments', alert.id, 'Tarifas.pdf');
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(sur2.path('data', 'attachments', '.partial'))).toEqual([]);
    expect((await sur2.statusCommand()).stdout).toContain(`[${alert.id}] ${path}: failed: its SHA-256 is `);

    await sur2.process!.stop();
    sur2.start();
    await expectLogged(sur2, `Attachment saved: ${path}`);
    expect(fileAt(path)?.equals(content)).toBe(true);
  });

  it('says in plain words, in the log and in status, why a file could not be fetched', async () => {
    const file = await shareFile('Precios.pdf', pdf(10_000));
    const oeste = await createSite('oeste');
    const alert = await send('oeste', 'Lista de precios', [file]);
    expect((await server.api('DELETE', `/api/v1/files/${file.id}`, { token: admin })).status).toBe(204);

    oeste.start();
    await waitConnected(oeste);
    const log = await expectLogged(oeste, `Attachment "Precios.pdf" of alert ${alert.id} was not downloaded`);
    expect(log).toContain('the file is no longer on the server (404); it will not be tried again');
    const path = oeste.path('data', 'attachments', alert.id, 'Precios.pdf');
    const status = await oeste.statusCommand();
    expect(status.stdout).toContain(`[${alert.id}] ${path}: failed: the file is no longer on the server (404)`);
    expect(existsSync(path)).toBe(false);
    // The alert itself is shown and confirmed all the same.
    const shown = await eventually(
      () => delivery(alert.id, 'oeste'),
      (d) => d.state === 'delivered',
      WAIT_MS,
    );
    expect(shown).toMatchObject({ state: 'delivered', attachmentsDownloadedAt: null });
  });

  it('removes the file of an alert the operator retracts', async () => {
    const file = await shareFile('Borrador.pdf', pdf(20_000));
    const centro = await createSite('centro');
    centro.start();
    await waitConnected(centro);
    const alert = await send('centro', 'Enviado por error', [file]);
    const path = centro.path('data', 'attachments', alert.id, 'Borrador.pdf');
    await expectLogged(centro, `Attachment saved: ${path}`);

    const retract = await server.api('POST', `/api/v1/messages/${alert.id}/retract`, { token: operator });
    expect(retract.status).toBe(200);
    await expectLogged(centro, `Alert ${alert.id} was retracted; its attachments were removed from this PC`);
    expect(existsSync(centro.path('data', 'attachments', alert.id))).toBe(false);
    expect((await centro.statusCommand()).stdout).not.toContain(path);
  });
});
