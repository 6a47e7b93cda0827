import { eventually } from '../support/eventually';
import { disposeSitePcs, receiverBuilt, SitePc } from '../support/receiver';
import type { TestServer } from '../support/server';
import {
  createGroup,
  createOperator,
  createSite,
  failedResource,
  normalize,
  openLoggedIn,
  screenshot,
  startWebServer,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/** Groups of sites: a CSV import refused as a whole with a line-numbered report, and a group's live info. */
describe('browser: groups', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  let operatorToken: string;
  const operator: Credentials = { username: 'ines', password: 'Ines-Turno-2026' };

  beforeAll(async () => {
    if (!receiverBuilt()) throw new Error('the receiver is not built: run "npm run build" first');
    server = await startWebServer({ env: { AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000' } });
    admin = await server.loginAdmin();
    await createOperator(server, admin, operator, 'Inés Navarro');
    operatorToken = await server.login(operator.username, operator.password);
  });
  afterAll(async () => {
    await disposeSitePcs();
    await server?.dispose();
  });

  const groups = async () => (await server.api('GET', '/api/v1/groups', { token: admin })).body as { name: string }[];

  it('previews a CSV file, imports nothing when it has errors, and names the lines', async () => {
    const csv = [
      'grupo,miembro1,miembro2',
      'Zona Norte,farmacia-norte,farmacia-sur',
      'Zona Vacía',
      'Zona Centro,farmacia-centro,Farmacia-Centro',
    ].join('\n');
    const page = await openLoggedIn(browser, server, operator, '/operator/groups');
    await page.getByTestId('groups-import').click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'zonas.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    const previewRows = preview.getByTestId('import-preview-row');
    expect(
      await until(
        () => previewRows.count(),
        (n) => n === 3,
      ),
    ).toBe(3);
    // Group names are shown as typed, as the lists will show them.
    expect(normalize(await previewRows.nth(0).innerText())).toBe('2 Zona Norte farmacia-norte, farmacia-sur');

    // The server refuses the file with 400 and its report, which Chromium logs as a failed resource.
    browser.allow(failedResource(400));
    await page.getByTestId('import-submit').click();
    const report = page.getByTestId('import-report');
    await report.waitFor();
    const errors = report.getByTestId('import-error');
    expect(
      await until(
        () => errors.count(),
        (n) => n === 2,
      ),
    ).toBe(2);
    const lines = (await errors.allInnerTexts()).map(normalize);
    expect(lines[0]).toMatch(/^Línea 3: /);
    expect(lines[0]).toContain('zona vacía');
    expect(lines[1]).toMatch(/^Línea 4: /);
    expect(lines[1]).toContain('farmacia-centro');
    expect(await report.getByTestId('import-refused').isVisible()).toBe(true);

    expect(await groups()).toEqual([]);
  });

  it("shows a group's members by state (screenshot with the info dialog)", async () => {
    const key = await createSite(server, admin, 'farmacia-norte', 'Farmacia Norte');
    await createSite(server, admin, 'farmacia-sur', 'Farmacia Sur');
    SitePc.create(server, 'farmacia-norte', key).start();
    const online = await eventually(
      async () => (await server.api('GET', '/api/v1/receivers/farmacia-norte', { token: admin })).body.online,
      (o) => o === true,
      15_000,
    );
    expect(online).toBe(true);
    await createGroup(server, operatorToken, 'Zona Norte', ['farmacia-norte', 'farmacia-sur', 'farmacia-nueva']);
    await createGroup(server, operatorToken, 'Guardias fin de semana', ['farmacia-sur']);

    const page = await openLoggedIn(browser, server, operator, '/operator/groups');
    const row = page.locator('[data-testid="group-row"][data-group="zona norte"]');
    await row.waitFor();
    expect(await page.getByTestId('group-row').count()).toBe(2);
    await row.getByTestId('group-info').click();
    expect(await textOf(page.getByTestId('info-online'), 'farmacia-norte')).toBe('farmacia-norte');
    expect(await textOf(page.getByTestId('info-offline'), 'farmacia-sur')).toBe('farmacia-sur');
    expect(await textOf(page.getByTestId('info-unknown'), 'farmacia-nueva')).toBe('farmacia-nueva');
    await screenshot(page, 'groups');
  });
});
