import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server';
import { ADMIN_PASSWORD } from '../support/server';
import {
  createOperator,
  normalize,
  openLoggedIn,
  screenshot,
  startWebServer,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/** The admin's audit trail: filtering by user, and the "read up to here" line that stays put. */
describe('browser: audit trail', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  const adminUser: Credentials = { username: 'admin', password: ADMIN_PASSWORD };
  const carmen: Credentials = { username: 'carmen', password: 'Carmen-Turno-2026' };
  const diego: Credentials = { username: 'diego', password: 'Diego-Turno-2026' };

  beforeAll(async () => {
    server = await startWebServer();
    admin = await server.loginAdmin();
    await createOperator(server, admin, carmen, 'Carmen Vidal');
    await createOperator(server, admin, diego, 'Diego Ortiz');
    await server.login(carmen.username, carmen.password);
    await server.login(diego.username, diego.password);
  });
  afterAll(() => server?.dispose());

  /** One line of the audit table as shown: an event (id, user) or the "last read" line (id 0). */
  type Line = { id: number; user: string };
  type Table = Line[];
  const table = (page: Page): Promise<Table> =>
    page.evaluate(() =>
      [...document.querySelectorAll('tbody tr')].flatMap((tr) => {
        const testid = tr.getAttribute('data-testid');
        if (testid === 'audit-last-read') return [{ id: 0, user: '' }];
        if (testid !== 'audit-row') return [];
        return [{ id: Number(tr.getAttribute('data-id')), user: tr.children[1]?.textContent?.trim() ?? '' }];
      }),
    );
  const ids = (rows: Table) => rows.filter((r) => r.id > 0).map((r) => r.id);
  const users = (rows: Table) => rows.filter((r) => r.id > 0).map((r) => r.user);
  /** The ids above the line and the id right below it. */
  const aroundLine = (rows: Table) => {
    const at = rows.findIndex((r) => r.id === 0);
    if (at < 0) return null;
    return { above: ids(rows.slice(0, at)), below: rows[at + 1]?.id ?? null };
  };

  const marker = async () =>
    (await server.api('GET', '/api/v1/audit/last-read', { token: admin })).body.lastReadId as number | null;

  it('filters by user, and keeps the "last read" line below what happened since, across reloads and logins', async () => {
    const page = await openLoggedIn(browser, server, adminUser, '/admin/audit');
    const all = await until(
      () => table(page),
      (rows) => ids(rows).length > 0,
    );
    expect(users(all)).toEqual(expect.arrayContaining(['admin', 'carmen', 'diego']));

    await page.getByTestId('audit-user').fill('carmen');
    await page.getByTestId('audit-apply').click();
    const filtered = await until(
      () => table(page),
      (rows) => ids(rows).length > 0 && users(rows).every((u) => u === 'carmen'),
    );
    expect(ids(filtered).length).toBeGreaterThan(0);
    expect(new Set(users(filtered))).toEqual(new Set(['carmen']));

    await page.getByTestId('audit-clear').click();
    const everything = await until(
      () => table(page),
      (rows) => ids(rows).length >= ids(all).length,
    );
    const newest = Math.max(...ids(everything));
    await page.getByTestId('audit-mark-read').click();
    expect(await until(marker, (m) => m === newest)).toBe(newest);

    // Things happen after the admin has read everything: a login, a new user.
    await server.login(diego.username, diego.password);
    await createOperator(server, admin, { username: 'elena', password: 'Elena-Turno-2026' });
    const since = (
      (await server.api('GET', '/api/v1/audit?pageSize=200', { token: admin })).body.items as { id: number }[]
    )
      .map((e) => e.id)
      .filter((id) => id > newest);
    expect(since.length).toBeGreaterThanOrEqual(2);

    await page.getByTestId('audit-refresh').click();
    const expected = { above: since, below: newest };
    const afterRefresh = await until(
      async () => aroundLine(await table(page)),
      (l) => JSON.stringify(l) === JSON.stringify(expected),
    );
    expect(afterRefresh).toEqual(expected);
    expect(normalize(await page.getByTestId('audit-last-read').innerText()).length).toBeGreaterThan(0);
    // The "all marked read" confirmation goes away by itself after 4 s.
    await page.locator('mat-snack-bar-container').waitFor({ state: 'detached' });
    await screenshot(page, 'audit');

    await page.reload();
    expect(
      await until(
        async () => aroundLine(await table(page)),
        (l) => JSON.stringify(l) === JSON.stringify(expected),
      ),
    ).toEqual(expected);

    // Another browser, a new session: the line comes from the server, so it is where it was (this login is new).
    const other = await openLoggedIn(browser, server, adminUser, '/admin/audit');
    const elsewhere = await until(
      async () => aroundLine(await table(other)),
      (l) => l?.below === newest,
    );
    expect(elsewhere?.below).toBe(newest);
    expect(elsewhere?.above.every((id) => id > newest)).toBe(true);
    expect(elsewhere?.above).toEqual(expect.arrayContaining(since));
  });

  it('lists the users (screenshot)', async () => {
    const page = await openLoggedIn(browser, server, adminUser, '/admin/users');
    const rows = page.getByTestId('user-row');
    expect(
      await until(
        () => rows.count(),
        (n) => n >= 3,
      ),
    ).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid="user-row"][data-username="carmen"]').isVisible()).toBe(true);
    await screenshot(page, 'users');
  });
});
