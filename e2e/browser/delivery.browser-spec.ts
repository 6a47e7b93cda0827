import type { Page } from 'playwright-core';
import { eventually } from '../support/eventually';
import { disposeSitePcs, receiverBuilt, SitePc } from '../support/receiver';
import type { TestServer } from '../support/server';
import {
  createOperator,
  createSite,
  openLoggedIn,
  pathOf,
  screenshot,
  startWebServer,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/**
 * An operator sends an alert from the web app to a site PC running the real receiver, whose person clicks the
 * notification a few seconds later; the history shows the receipt turn to "read" while the operator watches.
 */
describe('browser: sending an alert and following its receipt', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  const operator: Credentials = { username: 'rosa', password: 'Rosa-Turno-2026' };
  const SITE = 'farmacia-centro';
  /** Its person answers each alert with the second quick reply offered. */
  const ANSWERING = 'farmacia-oeste';
  /** Long enough for the operator to open the history before the person at the site clicks. */
  const CLICK_AFTER_MS = 6000;

  beforeAll(async () => {
    if (!receiverBuilt()) throw new Error('the receiver is not built: run "npm run build" first');
    server = await startWebServer({ env: { AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000' } });
    admin = await server.loginAdmin();
    await createOperator(server, admin, operator, 'Rosa Martín');
    for (const [name, display] of [
      ['farmacia-norte', 'Farmacia Norte'],
      ['farmacia-sur', 'Farmacia Sur'],
    ]) {
      await createSite(server, admin, name, display);
    }
    const key = await createSite(server, admin, SITE, 'Farmacia Centro');
    SitePc.create(server, SITE, key, { clickAfterMs: CLICK_AFTER_MS }).start();
    const answering = await createSite(server, admin, ANSWERING, 'Farmacia Oeste');
    SitePc.create(server, ANSWERING, answering, { clickAfterMs: 3000, answerWith: 'reply-1' }).start();
    for (const site of [SITE, ANSWERING]) {
      const online = await eventually(
        async () => (await server.api('GET', `/api/v1/receivers/${site}`, { token: admin })).body.online as boolean,
        (o) => o,
        15_000,
      );
      if (!online) throw new Error(`the receiver of ${site} did not connect`);
    }
  });
  afterAll(async () => {
    await disposeSitePcs();
    await server?.dispose();
  });

  const goTo = async (page: Page, label: string, path: string) => {
    await page.locator('mat-sidenav').getByText(label, { exact: true }).click();
    expect(await pathOf(page, path)).toBe(path);
  };

  const sendTo = async (page: Page, site: string, text: string, replies: string[] = []) => {
    await page.getByTestId('target-receiver').click();
    const name = page.getByTestId('compose-target-name');
    await name.fill(site);
    await page.keyboard.press('Escape'); // closes the name suggestions
    await page.getByTestId('compose-text').fill(text);
    for (const reply of replies) {
      await page.locator(`[data-testid="reply-option"][data-reply="${reply}"]`).click();
    }
    await page.getByTestId('compose-send').click();
    const online = page.getByTestId('compose-result').getByTestId('result-online');
    expect(await textOf(online, site)).toContain(site);
  };

  it('sends to a site and shows its receipt become "read" live, in the history and in the detail', async () => {
    const page = await openLoggedIn(browser, server, operator, '/operator/compose');
    const text = 'Se ha recibido el pedido urgente de insulina: pasad a recogerlo';
    await sendTo(page, SITE, text);

    await goTo(page, 'Historial', '/operator/history');
    const row = page.getByTestId('history-row').filter({ hasText: text });
    const read = row.getByTestId('history-read');
    // Nobody has clicked yet; then the receipt arrives over the live socket, without a reload.
    expect(await textOf(read, '0/1')).toBe('0/1');
    expect(await textOf(read, '1/1', CLICK_AFTER_MS + 10_000)).toBe('1/1');

    await row.click();
    expect(
      await until(
        () => new URL(page.url()).pathname,
        (p) => p.startsWith('/operator/history/'),
      ),
    ).toMatch(/^\/operator\/history\/.+/);
    const state = page.locator(`[data-testid="delivery-row"][data-receiver="${SITE}"] [data-testid="delivery-state"]`);
    expect(
      await until(
        () => state.getAttribute('data-state'),
        (s) => s === 'read',
      ),
    ).toBe('read');
    expect(await textOf(page.getByTestId('detail-text'), text)).toBe(text);
    await screenshot(page, 'history-detail');

    const sites = await server.api('GET', '/api/v1/receivers', { token: admin });
    expect(sites.body.find((s: { name: string }) => s.name === SITE)?.online).toBe(true);
  });

  it("offers quick replies from compose, and the detail shows the site's answer arrive live", async () => {
    const page = await openLoggedIn(browser, server, operator, '/operator/compose');
    const text = '¿Tenéis existencias del lote 42 de amoxicilina?';
    await sendTo(page, ANSWERING, text, ['Recibido', 'Necesito ayuda']);
    await page.getByTestId('compose-result').getByTestId('result-detail').click();
    expect(await textOf(page.getByTestId('detail-text'), text)).toBe(text);

    const tally = (reply: string) => page.locator(`[data-testid="reply-tally"][data-reply="${reply}"]`);
    expect(await textOf(tally('Recibido'), 'Recibido 0')).toBe('Recibido 0');
    // The person at the site picks "Necesito ayuda" on the notification: it shows here without a reload.
    expect(await textOf(tally('Necesito ayuda'), 'Necesito ayuda 1', 15_000)).toBe('Necesito ayuda 1');
    const answer = page.locator(
      `[data-testid="delivery-row"][data-receiver="${ANSWERING}"] [data-testid="delivery-reply"]`,
    );
    expect(await textOf(answer, 'Necesito ayuda')).toContain('Necesito ayuda');
    expect(await textOf(page.getByTestId('detail-read'), '1 de 1')).toBe('1 de 1');
    // The next alert starts without replies.
    await page.goBack();
    await page.getByTestId('compose-replies').waitFor();
    expect(await page.locator('[data-testid="reply-option"] [aria-selected]').count()).toBe(3);
    expect(await page.locator('[data-testid="reply-option"] [aria-selected="true"]').count()).toBe(0);
  });

  it('shows the sites with their state, and the result of a send (screenshots)', async () => {
    const page = await openLoggedIn(browser, server, operator, '/operator/sites');
    const row = page.locator(`[data-testid="site-row"][data-site="${SITE}"]`);
    await row.waitFor();
    expect(await page.getByTestId('site-row').count()).toBe(4);
    await screenshot(page, 'sites');

    await goTo(page, 'Enviar aviso', '/operator/compose');
    await sendTo(page, SITE, 'Recordad firmar el parte de temperaturas al cerrar');
    await screenshot(page, 'compose');
  });
});
