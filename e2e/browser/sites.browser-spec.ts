import type { Page } from 'playwright-core';
import type { ReceiverResponse } from '@avisa/contracts';
import { ADMIN_PASSWORD, type TestServer } from '../support/server';
import {
  createGroup,
  createOperator,
  createSite,
  normalize,
  openLoggedIn,
  startWebServer,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/** What a support team needs about a site, edited by an admin, searched by an operator; a CSV with a bad line. */
describe('browser: site details', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  let operatorToken: string;
  const adminUser: Credentials = { username: 'admin', password: ADMIN_PASSWORD };
  const operator: Credentials = { username: 'marta', password: 'Marta-Soporte-2026' };

  beforeAll(async () => {
    server = await startWebServer();
    admin = await server.loginAdmin();
    await createOperator(server, admin, operator, 'Marta Soporte');
    operatorToken = await server.login(operator.username, operator.password);
    await createSite(server, admin, 'farmacia-sol', 'Farmacia Sol');
    await createSite(server, admin, 'farmacia-luna', 'Farmacia Luna');
    const luna = await server.api('PATCH', '/api/v1/receivers/farmacia-luna', {
      token: admin,
      body: { region: 'Sur', tags: ['rural'], phone: '954 11 22 33' },
    });
    expect(luna.status).toBe(200);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const site = async (name: string) =>
    (await server.api('GET', `/api/v1/receivers/${name}`, { token: admin })).body as ReceiverResponse;
  const rowNames = async (page: Page) =>
    (await page.getByTestId('site-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-site')))).sort();
  const pick = async (page: Page, select: string, option: string) => {
    await page.getByTestId(select).click();
    await page.getByRole('option', { name: option, exact: true }).click();
    // The panel closes with an animation; a click on the next select meanwhile would land on its backdrop.
    await page.getByRole('listbox').waitFor({ state: 'detached' });
  };

  it("an admin edits a site's address, phone, region, tags and notes; a bad phone is explained first", async () => {
    const page = await openLoggedIn(browser, server, adminUser, '/admin/sites');
    const row = page.locator('[data-testid="admin-site-row"][data-site="farmacia-sol"]');
    await row.getByTestId('site-edit').click();
    const form = page.getByTestId('site-form');
    await form.getByTestId('site-postalAddress').fill('Calle del Sol 4, Madrid');
    await form.getByTestId('site-phone').fill('llamar a Marta');
    await form.getByTestId('site-region').fill('Norte');
    await form.getByTestId('site-tags').fill('24h, guardia, 24H');
    await form.getByTestId('site-notes').fill('Persiana baja a las 22:00.\nPreguntar por Marta.');
    await form.getByTestId('site-form-submit').click();
    await form.getByTestId('site-phone-error').waitFor();
    expect(await textOf(form.getByTestId('site-phone-error'), 'Solo dígitos')).toContain(
      'Solo dígitos, espacios y + ( ) - . /',
    );
    expect((await site('farmacia-sol')).phone).toBeNull();

    await form.getByTestId('site-phone').fill('+34 912 345 678');
    await form.getByTestId('site-form-submit').click();
    await form.waitFor({ state: 'detached' });
    expect(await site('farmacia-sol')).toMatchObject({
      postalAddress: 'Calle del Sol 4, Madrid',
      phone: '+34 912 345 678',
      region: 'Norte',
      tags: ['24h', 'guardia'],
      notes: 'Persiana baja a las 22:00.\nPreguntar por Marta.',
    });
    expect(await textOf(row.getByTestId('admin-site-region'), 'Norte')).toBe('Norte');
    expect(await row.getByTestId('site-tag').allInnerTexts()).toEqual(['24h', 'guardia']);
  });

  it('an operator finds sites by region, tag and phone, and reads a site’s card', async () => {
    const page = await openLoggedIn(browser, server, operator, '/operator/sites');
    await page.locator('[data-testid="site-row"][data-site="farmacia-sol"]').waitFor();
    expect(await rowNames(page)).toEqual(['farmacia-luna', 'farmacia-sol']);

    await pick(page, 'site-region-filter', 'Sur');
    expect(
      await until(
        () => rowNames(page),
        (names) => names.length === 1,
      ),
    ).toEqual(['farmacia-luna']);
    await pick(page, 'site-region-filter', 'Todas');
    await pick(page, 'site-tag-filter', 'guardia');
    expect(
      await until(
        () => rowNames(page),
        (names) => names.length === 1,
      ),
    ).toEqual(['farmacia-sol']);
    await pick(page, 'site-tag-filter', 'Todas');

    // The phone as people say it, without its spaces; and the offline list keeps the phone in view.
    await page.getByTestId('sites-filter').fill('954112233');
    expect(
      await until(
        () => rowNames(page),
        (names) => names.length === 1,
      ),
    ).toEqual(['farmacia-luna']);
    await page.getByTestId('sites-state-offline').click();
    const luna = page.locator('[data-testid="site-row"][data-site="farmacia-luna"]');
    expect(await textOf(luna.getByTestId('site-phone'), '954')).toBe('954 11 22 33');
    expect(await luna.getByTestId('site-phone').locator('a').getAttribute('href')).toBe('tel:954112233');

    await page.getByTestId('sites-filter').fill('marta');
    const sol = page.locator('[data-testid="site-row"][data-site="farmacia-sol"]');
    await sol.getByTestId('site-detail-open').click();
    const card = page.getByTestId('site-detail');
    expect(await textOf(card.getByTestId('site-detail-address'), 'Calle')).toBe('Calle del Sol 4, Madrid');
    expect(normalize(await card.getByTestId('site-detail-notes').innerText())).toBe(
      'Persiana baja a las 22:00. Preguntar por Marta.',
    );
    expect(await card.getByTestId('site-tag').allInnerTexts()).toEqual(['24h', 'guardia']);
  });

  it('an admin imports a CSV with one bad line: the report names the line and the column, nothing is created', async () => {
    const before = ((await server.api('GET', '/api/v1/receivers', { token: admin })).body as unknown[]).length;
    const csv = [
      'name,displayName,address,phone,region,tags,notes',
      'farmacia-rio,Farmacia Río,"Paseo del Río 2, Sevilla",+34 955 000 001,Sur,rural|24h,',
      'farmacia-mar,Farmacia Mar,,llamar por la tarde,Este,,',
      'farmacia-monte,Farmacia Monte,,,Norte,,',
    ].join('\n');
    const page = await openLoggedIn(browser, server, adminUser, '/admin/sites');
    await page.getByTestId('sites-bulk').click();
    await page.getByTestId('bulk-file').setInputFiles({
      name: 'sitios.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    const problems = page.getByTestId('bulk-error');
    expect(
      await until(
        () => problems.count(),
        (n) => n === 1,
      ),
    ).toBe(1);
    expect(normalize(await problems.first().innerText())).toBe(
      'Línea 3 · teléfono: Solo dígitos, espacios y + ( ) - . / (con al menos un dígito).',
    );
    expect(await problems.first().getAttribute('data-line')).toBe('3');
    expect(await page.getByTestId('bulk-submit').isDisabled()).toBe(true);
    expect(((await server.api('GET', '/api/v1/receivers', { token: admin })).body as unknown[]).length).toBe(before);

    // Corrected, the three sites are created with their details.
    await page.getByTestId('bulk-csv').fill(csv.replace('llamar por la tarde', '+34 965 000 002'));
    await until(
      () => problems.count(),
      (n) => n === 0,
    );
    await page.getByTestId('bulk-submit').click();
    await page.getByTestId('bulk-warning').waitFor();
    expect(await site('farmacia-rio')).toMatchObject({
      displayName: 'Farmacia Río',
      postalAddress: 'Paseo del Río 2, Sevilla',
      region: 'Sur',
      tags: ['rural', '24h'],
    });
  });

  it('a group keeps the name as typed in its list and in the compose picker', async () => {
    await createGroup(server, operatorToken, 'Zona Norte', ['farmacia-sol']);
    const page = await openLoggedIn(browser, server, operator, '/operator/groups');
    const row = page.locator('[data-testid="group-row"][data-group="zona norte"]');
    expect(await textOf(row.locator('th'), 'Zona')).toBe('Zona Norte');

    await page.goto(`${server.baseUrl}/operator/compose`);
    await page.getByTestId('target-group').click();
    await page.getByTestId('compose-target-name').fill('norte');
    const option = page.locator('[data-testid="target-option"][data-name="zona norte"]');
    expect(await textOf(option, 'Zona Norte')).toMatch(/^Zona Norte/);
  });
});
