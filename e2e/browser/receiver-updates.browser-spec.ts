import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishPackages } from '../support/receiver-packages';
import { ADMIN_PASSWORD, type TestServer } from '../support/server';
import { openSocket, SOCKET_WAIT_MS, type TestSocket } from '../support/test-socket';
import {
  createSite,
  normalize,
  openLoggedIn,
  screenshot,
  startWebServer,
  textOf,
  useBrowser,
  type Credentials,
} from './support/browser';

/** The admin's side of receiver packages: a site's installer from its key dialog, and a rollout of a newer version. */
describe('browser: receiver installers and updates', () => {
  const browser = useBrowser();
  let server: TestServer;
  let site: TestSocket;
  let admin: string;
  const adminUser: Credentials = { username: 'admin', password: ADMIN_PASSWORD };
  const packagesDir = mkdtempSync(join(tmpdir(), 'avisa-packages-'));

  beforeAll(async () => {
    publishPackages(packagesDir, '0.2.0', generateKeyPairSync('ed25519').privateKey);
    server = await startWebServer({ env: { AVISA_RECEIVER_PACKAGES_DIR: packagesDir } });
    admin = await server.loginAdmin();
    const key = await createSite(server, admin, 'farmacia-luna', 'Farmacia Luna');
    site = openSocket(server, '/receivers', { name: 'farmacia-luna', key, clientVersion: 'avisa-receiver/0.1.0' });
    await site.connected();
    const reported = await site.socket
      .timeout(SOCKET_WAIT_MS)
      .emitWithAck('update_status', { version: '0.2.0', state: 'failed', reason: 'no space left on device' });
    if (!reported?.ok) throw new Error(`update_status refused: ${JSON.stringify(reported)}`);
  });
  afterAll(async () => {
    site?.close();
    await server?.dispose();
    rmSync(packagesDir, { recursive: true, force: true });
  });

  it("downloads a new site's Linux installer from its key dialog, with this server's address and the site's key", async () => {
    const page = await openLoggedIn(browser, server, adminUser, '/admin/sites');
    await page.getByTestId('site-create').click();
    await page.getByTestId('site-name').fill('farmacia-sol');
    await page.getByTestId('site-form-submit').click();
    const key = normalize(await page.getByTestId('site-key').innerText());
    expect(key).toMatch(/^avr_/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-installer-linux').click(),
    ]);
    expect(download.suggestedFilename()).toBe('avisa-install-farmacia-sol.sh');
    const script = readFileSync((await download.path())!, 'utf8');
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain(`"serverUrl": "${server.baseUrl}"`);
    expect(script).toContain('"name": "farmacia-sol"');
    expect(script).toContain(`"key": "${key}"`);
    expect(script).toContain("PACKAGE='avisa-receiver_0.2.0_amd64.deb'");
    expect(await textOf(page.getByTestId('installer-downloaded'), 'avisa-install-farmacia-sol.sh')).toContain(
      'avisa-install-farmacia-sol.sh',
    );
    expect(await page.getByTestId('installer-how-to').innerText()).toContain('sudo sh avisa-install-farmacia-sol.sh');
    await page.getByTestId('key-close').click();
    await page.getByTestId('site-key').waitFor({ state: 'detached' });
  });

  it('shows the served version and who is behind, schedules an update for tonight and cancels it', async () => {
    const page = await openLoggedIn(browser, server, adminUser, '/admin/sites');
    const panel = page.getByTestId('updates-panel');
    expect(await textOf(panel.getByTestId('updates-served'), '0.2.0')).toContain('0.2.0');
    // farmacia-luna runs 0.1.0; farmacia-sol (from the previous test) never connected.
    expect(await textOf(panel.getByTestId('count-behind'), 'Por detrás: 1')).toBe('Por detrás: 1');
    expect(await textOf(panel.getByTestId('count-unknown'), 'Versión desconocida: 1')).toBe('Versión desconocida: 1');
    expect(await textOf(panel.getByTestId('count-current'), 'Al día: 0')).toBe('Al día: 0');
    const luna = page.locator('[data-testid="admin-site-row"][data-site="farmacia-luna"]');
    expect(await textOf(luna.getByTestId('site-version'), 'Por detrás')).toMatch(/^0\.1\.0\s*Por detrás\b/);
    expect(await page.locator('[data-site="farmacia-sol"] [data-testid="site-behind"]').count()).toBe(0);
    expect(await textOf(panel.getByTestId('updates-no-rollout'), 'ninguna')).toContain('No hay ninguna actualización');
    // Its last update failed: said in the panel and on its row.
    expect(await textOf(panel.getByTestId('updates-failed'), 'farmacia-luna')).toContain(
      'farmacia-luna → 0.2.0: no space left on device',
    );
    expect(await textOf(luna.getByTestId('site-update-report'), 'Falló')).toContain(
      'Falló la actualización a 0.2.0 — no space left on device',
    );

    await panel.getByTestId('updates-night').click();
    await page.getByTestId('confirm').click();
    const rollout = await textOf(panel.getByTestId('updates-rollout'), 'programada para la noche');
    expect(rollout).toContain('Actualización a 0.2.0 programada para la noche');
    expect(rollout).toContain('La inició admin');
    const status = await server.api('GET', '/api/v1/receiver-updates', { token: admin });
    expect(status.body.rollout).toMatchObject({ version: '0.2.0', when: 'night', startedBy: 'admin' });
    await screenshot(page, 'receiver-updates');

    await panel.getByTestId('updates-cancel').click();
    await page.getByTestId('confirm').click();
    expect(await textOf(panel.getByTestId('updates-no-rollout'), 'ninguna')).toContain('No hay ninguna actualización');
    expect(await panel.getByTestId('updates-cancel').count()).toBe(0);
    const after = await server.api('GET', '/api/v1/receiver-updates', { token: admin });
    expect(after.body.rollout).toBeNull();
  });
});
