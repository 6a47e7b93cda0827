import type { ReceiverPackageManifest, ReceiverUpdatesResponse, UpdateOfferPayload } from '@avisa/contracts';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryDb } from './support/database';
import { publishPackages } from './support/receiver-packages';
import { eventually } from './support/eventually';
import { TestServer } from './support/server';
import { openSocket, SOCKET_WAIT_MS, TestSocket } from './support/test-socket';

describe('receiver packages, updates and per-site installers', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  let siteKey: string;
  const packagesDir = mkdtempSync(join(tmpdir(), 'avisa-packages-'));
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const sockets: TestSocket[] = [];

  const connectSite = async (name: string, key: string, clientVersion: string) => {
    const socket = openSocket(server, '/receivers', { name, key, clientVersion });
    sockets.push(socket);
    await socket.connected();
    return socket;
  };

  beforeAll(async () => {
    publishPackages(packagesDir, '0.2.0', privateKey);
    server = await TestServer.start({ env: { AVISA_RECEIVER_PACKAGES_DIR: packagesDir } });
    admin = await server.loginAdmin();
    await server.createUser(admin, 'turno', 'operator', 'Turno-Noche-2026');
    operator = await server.login('turno', 'Turno-Noche-2026');
    const created = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'farmacia-sol' } });
    siteKey = created.body.key;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server.dispose();
  });

  it('serves the signed manifest and the files it lists to anyone, and nothing else from the folder', async () => {
    const manifest = await server.api<ReceiverPackageManifest>('GET', '/api/v1/receiver-packages');
    expect(manifest.status).toBe(200);
    expect(manifest.body.version).toBe('0.2.0');
    const bundle = manifest.body.files.find((f) => f.kind === 'bundle')!;
    const file = await server.api('GET', `/api/v1/receiver-packages/${bundle.name}`);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toBe(`attachment; filename="${bundle.name}"`);
    expect(createHash('sha256').update(String(file.body)).digest('hex')).toBe(bundle.sha256);

    for (const name of ['manifest.json.sig', '..%2Fmanifest.json', 'nope.js', '%2Fetc%2Fpasswd']) {
      const refused = await server.api('GET', `/api/v1/receiver-packages/${name}`);
      expect(refused.status).toBe(404);
    }
  });

  it('lets only admins see and start a rollout, and refuses a version the server does not serve', async () => {
    expect((await server.api('GET', '/api/v1/receiver-updates', { token: operator })).status).toBe(403);
    expect(
      (
        await server.api('POST', '/api/v1/receiver-updates', {
          token: operator,
          body: { version: '0.2.0', when: 'now' },
        })
      ).status,
    ).toBe(403);
    const wrong = await server.api('POST', '/api/v1/receiver-updates', {
      token: admin,
      body: { version: '0.3.0', when: 'now' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/version must be the one this server serves \(0\.2\.0\)/);
    const badWhen = await server.api('POST', '/api/v1/receiver-updates', {
      token: admin,
      body: { version: '0.2.0', when: 'sometime' },
    });
    expect(badWhen.status).toBe(400);
    expect(badWhen.body.message).toMatch(/when must be one of now, night/);
    expect(queryDb(server, 'SELECT id FROM receiver_rollouts')).toEqual([]);
  });

  it('offers a signed update to the sites behind it, now, and records each report', async () => {
    const behind = await connectSite('farmacia-sol', siteKey, 'avisa-receiver/0.1.0');
    const second = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'farmacia-luna' } });
    const upToDate = await connectSite('farmacia-luna', second.body.key, 'avisa-receiver/0.2.0');

    const started = await server.api('POST', '/api/v1/receiver-updates', {
      token: admin,
      body: { version: '0.2.0', when: 'now' },
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ version: '0.2.0', when: 'now', startedBy: 'admin' });

    const [offer] = await eventually(
      () => behind.received<UpdateOfferPayload>('update'),
      (offers) => offers.length > 0,
      SOCKET_WAIT_MS,
    );
    expect(offer.version).toBe('0.2.0');
    expect(verify(null, Buffer.from(offer.manifest), publicKey, Buffer.from(offer.signature, 'base64'))).toBe(true);
    expect(offer.path).toBe('/api/v1/receiver-packages/avisa-receiver-0.2.0.js');
    expect(upToDate.received('update')).toEqual([]);

    const ack = await behind.socket
      .timeout(SOCKET_WAIT_MS)
      .emitWithAck('update_status', { version: '0.2.0', state: 'failed', reason: 'disk full' });
    expect(ack).toEqual({ ok: true });
    const refused = await behind.socket
      .timeout(SOCKET_WAIT_MS)
      .emitWithAck('update_status', { version: 'latest', state: 'done' });
    expect(refused).toEqual({ ok: false, error: 'version must look like 1.2.3' });

    const status = await server.api<ReceiverUpdatesResponse>('GET', '/api/v1/receiver-updates', { token: admin });
    expect(status.body.rollout).toMatchObject({ version: '0.2.0', when: 'now' });
    expect(status.body.sites).toEqual([
      expect.objectContaining({ name: 'farmacia-sol', version: '0.2.0', state: 'failed', reason: 'disk full' }),
    ]);
    const audit = await eventually(
      () =>
        queryDb<{ action: string; target: string }>(
          server,
          "SELECT action, target FROM audit_events WHERE action LIKE 'receiver.update.%' ORDER BY id",
        ),
      (rows) => rows.length >= 2,
    );
    expect(audit).toEqual([
      { action: 'receiver.update.started', target: '0.2.0' },
      { action: 'receiver.update.reported', target: 'farmacia-sol' },
    ]);

    // A site whose update failed is not offered it again on reconnecting, until an admin starts the rollout again.
    behind.close();
    const again = await connectSite('farmacia-sol', siteKey, 'avisa-receiver/0.1.0');
    await eventually(
      () => queryDb(server, 'SELECT id FROM receiver_connections WHERE disconnected_at IS NULL'),
      (rows) => rows.length === 2,
    );
    expect(again.received('update')).toEqual([]);
    await server.api('POST', '/api/v1/receiver-updates', { token: admin, body: { version: '0.2.0', when: 'now' } });
    const offers = await eventually(
      () => again.received('update'),
      (received) => received.length === 1,
      SOCKET_WAIT_MS,
    );
    expect(offers).toHaveLength(1);
  });

  it('stops offering once cancelled', async () => {
    expect((await server.api('DELETE', '/api/v1/receiver-updates', { token: admin })).status).toBe(204);
    expect((await server.api('DELETE', '/api/v1/receiver-updates', { token: admin })).status).toBe(404);
    const status = await server.api<ReceiverUpdatesResponse>('GET', '/api/v1/receiver-updates', { token: admin });
    expect(status.body.rollout).toBeNull();
  });

  it("makes a Linux installer that carries the server's address and certificate, the site and its key", async () => {
    const response = await server.api('POST', '/api/v1/receivers/farmacia-sol/installer', {
      token: admin,
      body: { key: siteKey, platform: 'linux' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="avisa-install-farmacia-sol.sh"');
    expect(response.headers['cache-control']).toBe('no-store');
    const script = String(response.body);
    const certificate = readFileSync(server.path('certs', 'server.crt'), 'utf8').trim();
    expect(script).toContain(certificate);
    expect(script).toContain(`"serverUrl": "${server.baseUrl}"`);
    expect(script).toContain('"name": "farmacia-sol"');
    expect(script).toContain(`"key": "${siteKey}"`);
    expect(script).toContain("PACKAGE='avisa-receiver_0.2.0_amd64.deb'");
    const deb = createHash('sha256').update('deb 0.2.0').digest('hex');
    expect(script).toContain(`PACKAGE_SHA256='${deb}'`);

    const audit = await eventually(
      () =>
        queryDb<{ details: string }>(
          server,
          "SELECT details FROM audit_events WHERE action = 'receiver.installer.made' AND target = 'farmacia-sol'",
        ),
      (rows) => rows.length === 1,
    );
    expect(audit[0].details).not.toContain(siteKey);
  });

  it('makes a Windows installer that pins the certificate by thumbprint and checks the MSI', async () => {
    const response = await server.api('POST', '/api/v1/receivers/farmacia-sol/installer', {
      token: admin,
      body: { key: siteKey, platform: 'windows' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="avisa-install-farmacia-sol.ps1"');
    const script = String(response.body);
    const { X509Certificate } = await import('node:crypto');
    const thumbprint = new X509Certificate(readFileSync(server.path('certs', 'server.crt'))).fingerprint
      .replaceAll(':', '')
      .toUpperCase();
    expect(script).toContain(`$Thumbprint = '${thumbprint}'`);
    expect(script).toContain(`$Package = 'avisa-receiver-0.2.0-x64.msi'`);
    expect(script).toContain(`"key": "${siteKey}"`);
  });

  it('refuses an installer for a wrong key, an unknown platform, or anyone but an admin, and audits nothing then', async () => {
    const before = queryDb(server, "SELECT id FROM audit_events WHERE action = 'receiver.installer.made'").length;
    const wrongKey = await server.api('POST', '/api/v1/receivers/farmacia-sol/installer', {
      token: admin,
      body: { key: 'avr_not-the-key', platform: 'linux' },
    });
    expect(wrongKey.status).toBe(403);
    expect(wrongKey.body.message).toMatch(/not the current key of this site/);
    const platform = await server.api('POST', '/api/v1/receivers/farmacia-sol/installer', {
      token: admin,
      body: { key: siteKey, platform: 'macos' },
    });
    expect(platform.status).toBe(400);
    expect(platform.body.message).toMatch(/platform must be one of linux, windows/);
    const asOperator = await server.api('POST', '/api/v1/receivers/farmacia-sol/installer', {
      token: operator,
      body: { key: siteKey, platform: 'linux' },
    });
    expect(asOperator.status).toBe(403);
    expect(queryDb(server, "SELECT id FROM audit_events WHERE action = 'receiver.installer.made'")).toHaveLength(
      before,
    );
  });
});
