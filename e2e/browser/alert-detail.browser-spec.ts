import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { eventually } from '../support/eventually';
import { disposeSitePcs, receiverBuilt, SitePc } from '../support/receiver';
import type { TestServer } from '../support/server';
import {
  createOperator,
  openLoggedIn,
  pathOf,
  screenshot,
  startWebServer,
  TABLET,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/** 40 sites made through the bulk API, "Norte" and "Sur" by display name; three of them run the real receiver. */
const SITES = Array.from({ length: 40 }, (_, i) => {
  const n = String(i + 1).padStart(2, '0');
  return { name: `farmacia-${n}`, displayName: `Farmacia ${i % 2 ? 'Sur' : 'Norte'} ${n}` };
});
/** Its person clicks the notification at once; the other two PCs show it and nobody clicks. */
const READER = 'farmacia-01';
const UNREAD = ['farmacia-02', 'farmacia-03'];
const TEXT = 'Revisad la temperatura de la nevera de vacunas';
const URGENT_TEXT = 'Corte de luz previsto a las 15:00';

/**
 * An operator follows one alert at 40 sites in its detail: filters by state, sorts by a column, searches a site,
 * re-sends to the connected sites that have not read it (their real receivers show it again), and copies it as a new
 * alert to the sites that have not read it. The history keeps its filters in the URL across a reload.
 */
describe('browser: alert detail and history filters', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  let operatorToken: string;
  let alertId: string;
  const pcs = new Map<string, SitePc>();
  const operator: Credentials = { username: 'marta', password: 'Marta-Turno-2026' };

  beforeAll(async () => {
    if (!receiverBuilt()) throw new Error('the receiver is not built: run "npm run build" first');
    server = await startWebServer({ env: { AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000' } });
    admin = await server.loginAdmin();
    await createOperator(server, admin, operator, 'Marta Gil');
    operatorToken = await server.login(operator.username, operator.password);
    const bulk = await server.api('POST', '/api/v1/receivers/bulk', {
      token: admin,
      raw: `name,display_name\n${SITES.map((s) => `${s.name},${s.displayName}`).join('\n')}\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(bulk.status).toBe(201);
    const keys = new Map(
      (parse(bulk.body as string, { columns: true }) as { name: string; key: string }[]).map((r) => [r.name, r.key]),
    );
    for (const name of [READER, ...UNREAD]) {
      const pc = SitePc.create(server, name, keys.get(name)!, name === READER ? { clickAfterMs: 500 } : {});
      pc.start();
      pcs.set(name, pc);
    }
    for (const name of pcs.keys()) {
      const online = await eventually(
        async () => (await server.api('GET', `/api/v1/receivers/${name}`, { token: admin })).body.online as boolean,
        (o) => o,
        15_000,
      );
      if (!online) throw new Error(`the receiver of ${name} did not connect`);
    }
    const sent = await server.api('POST', '/api/v1/messages', {
      token: operatorToken,
      body: { target: { kind: 'all' }, text: TEXT },
    });
    expect(sent.status).toBe(201);
    alertId = sent.body.id;
    const urgent = await server.api('POST', '/api/v1/messages', {
      token: admin,
      body: { target: { kind: 'receiver', name: 'farmacia-40' }, text: URGENT_TEXT, priority: 'urgent' },
    });
    expect(urgent.status).toBe(201);
  });
  afterAll(async () => {
    await disposeSitePcs();
    await server?.dispose();
  });

  const rows = (page: Page) => page.getByTestId('delivery-row');
  const siteNames = async (page: Page) =>
    (await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-receiver')))) as string[];
  const chip = (page: Page, state: string) =>
    page.locator(`[data-testid="state-chip"][data-state="${state}"] .mat-mdc-chip-action`);
  const openDetail = async () => {
    const page = await openLoggedIn(browser, server, operator, `/operator/history/${alertId}`);
    expect(await textOf(page.getByTestId('detail-text'), TEXT)).toBe(TEXT);
    return page;
  };

  it('reads consistent totals, filters by state, sorts by a column and searches, one page from the server', async () => {
    const page = await openDetail();
    // The person at the first site clicks: the totals follow without a reload.
    expect(await textOf(page.getByTestId('detail-read'), '1 de 40')).toBe('1 de 40');
    expect(await textOf(page.getByTestId('detail-delivered'), '3 de 40')).toBe('3 de 40');
    expect(await textOf(page.getByTestId('detail-unread'), '39 de 40')).toBe('39 de 40');
    expect(await textOf(page.getByTestId('state-chips'), 'Entregado, sin leer 2')).toContain('En espera 37');
    await screenshot(page, 'alert-detail');

    await chip(page, 'delivered').click();
    expect(await textOf(page.getByTestId('detail-shown'), '2 de 40')).toContain('2 de 40');
    expect(await siteNames(page)).toEqual(UNREAD);
    await chip(page, 'read').click();
    expect(await textOf(page.getByTestId('detail-shown'), '3 de 40')).toContain('3 de 40');
    await chip(page, 'delivered').click();
    await chip(page, 'read').click();
    expect(await textOf(page.getByTestId('detail-shown'), '40 de 40')).toContain('40 de 40');

    // Sorted by display name, then the other way: the server orders all 40, the page shows the first of them.
    await page.getByTestId('sort-displayName').click();
    await page.getByTestId('sort-displayName').click();
    expect(
      await until(
        () => rows(page).first().getAttribute('data-receiver'),
        (name) => name === 'farmacia-40',
      ),
    ).toBe('farmacia-40');
    expect(await textOf(rows(page).first().getByTestId('delivery-display-name'), 'Farmacia Sur 40')).toBe(
      'Farmacia Sur 40',
    );

    await page.getByTestId('detail-search').fill('norte 0');
    expect(await textOf(page.getByTestId('detail-shown'), '5 de 40')).toContain('5 de 40');
    expect(await siteNames(page)).toEqual(['farmacia-09', 'farmacia-07', 'farmacia-05', 'farmacia-03', 'farmacia-01']);
  });

  it("re-sends to the connected sites that have not read it: their receivers show it again, the reader's does not", async () => {
    const page = await openDetail();
    expect(await textOf(page.getByTestId('detail-read'), '1 de 40')).toBe('1 de 40');
    await page.getByTestId('detail-resend').click();
    await page.getByTestId('confirm').click();
    expect(await textOf(page.getByTestId('resend-result'), 'Vuelto a mostrar en 2 sitios conectados')).toContain(
      '37 sitios sin leer no están conectados',
    );
    for (const name of UNREAD) {
      expect(
        await until(
          () => pcs.get(name)!.shown(TEXT),
          (n) => n === 2,
        ),
      ).toBe(2);
    }
    expect(pcs.get(READER)!.shown(TEXT)).toBe(1);
    const reminders = page.locator(
      `[data-testid="delivery-row"][data-receiver="${UNREAD[0]}"] [data-testid="delivery-reminders"]`,
    );
    expect(await textOf(reminders, '1')).toBe('1');
  });

  it('copies the alert as a new one to the sites that have not read it: compose opens filled in, nothing sent', async () => {
    const page = await openDetail();
    expect(await textOf(page.getByTestId('detail-read'), '1 de 40')).toBe('1 de 40');
    await page.getByTestId('detail-copy').click();
    await page.getByTestId('confirm').click();
    expect(await pathOf(page, '/operator/compose')).toBe('/operator/compose');
    expect(await page.getByTestId('compose-text').inputValue()).toBe(TEXT);
    expect(await page.getByTestId('target-group').getAttribute('class')).toContain('mat-button-toggle-checked');
    const groupName = await page.getByTestId('compose-target-name').inputValue();
    expect(groupName).toMatch(/^sin leer \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} · revisad la temperatura/);
    const group = await server.api('GET', `/api/v1/groups/${encodeURIComponent(groupName)}`, { token: admin });
    expect(group.status).toBe(200);
    expect(group.body.members).toHaveLength(39);
    expect(group.body.members).not.toContain(READER);
    const history = await server.api('GET', '/api/v1/messages?pageSize=10', { token: admin });
    expect(history.body.total).toBe(2);
  });

  it('filters the history by priority and sender, kept in the URL after a reload', async () => {
    const page = await openLoggedIn(browser, server, operator, '/operator/history');
    const historyRows = page.getByTestId('history-row');
    expect(
      await until(
        () => historyRows.count(),
        (n) => n === 2,
      ),
    ).toBe(2);

    await page.getByTestId('history-priority-filter').click();
    await page.getByRole('option', { name: 'Urgente' }).click();
    expect(
      await until(
        () => historyRows.count(),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(await textOf(historyRows.first(), URGENT_TEXT)).toContain(URGENT_TEXT);
    expect(
      await until(
        () => new URL(page.url()).searchParams.get('priority'),
        (p) => p === 'urgent',
      ),
    ).toBe('urgent');

    await page.reload();
    expect(await textOf(page.getByTestId('history-priority-filter'), 'Urgente')).toContain('Urgente');
    expect(
      await until(
        () => historyRows.count(),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(await textOf(historyRows.first(), URGENT_TEXT)).toContain(URGENT_TEXT);

    await page.getByTestId('history-clear').click();
    await page.getByTestId('history-sender').fill('marta');
    expect(
      await until(
        () => new URL(page.url()).search,
        (s) => s === '?sender=marta',
      ),
    ).toBe('?sender=marta');
    expect(
      await until(
        () => historyRows.count(),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(await textOf(historyRows.first(), TEXT)).toContain(TEXT);

    // A shared link opens with the same filters.
    const shared = await openLoggedIn(browser, server, operator, '/operator/history?sender=marta&targetKind=all');
    expect(await textOf(shared.getByTestId('history-target-kind'), 'Todos los sitios')).toContain('Todos los sitios');
    expect(await shared.getByTestId('history-sender').inputValue()).toBe('marta');
    expect(
      await until(
        () => shared.getByTestId('history-row').count(),
        (n) => n === 1,
      ),
    ).toBe(1);
  });

  it('fits a 768 px tablet: the page never scrolls sideways, only the sites table inside its frame', async () => {
    const page = await openLoggedIn(browser, server, operator, `/operator/history/${alertId}`, TABLET);
    expect(await textOf(page.getByTestId('detail-read'), '1 de 40')).toBe('1 de 40');
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto('/operator/history?priority=urgent');
    expect(
      await until(
        () => page.getByTestId('history-row').count(),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});
