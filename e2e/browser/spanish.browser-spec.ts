import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server';
import { ADMIN_PASSWORD } from '../support/server';
import {
  createGroup,
  createOperator,
  createSite,
  failedResource,
  LAPTOP,
  logIn,
  normalize,
  openLoggedIn,
  startWebServer,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/**
 * What the server says in English (its `message`, for scripts) and must never reach the Spanish screen: the
 * refusals of issue 19 and the raw audit details. The app says them from their codes instead.
 */
const ENGLISH = [
  /does not exist/,
  /already exists/,
  /has no members/,
  /is not a known site/,
  /imported anyway/,
  /commonly used passwords/,
  /choose another/,
  /nothing was imported/,
  /wrong password/,
  /\breason\b/,
  /toldSites/,
  /\bfilters\b/,
  /truncated/,
  /\{"/,
  /Ya no existe/,
  /Administrator/,
];

/** The sentences of `ENGLISH` found in the visible text of the page. */
async function english(page: Page): Promise<string[]> {
  const text = normalize(await page.locator('body').innerText());
  return ENGLISH.filter((pattern) => pattern.test(text)).map(String);
}

/** Issue 19, point 1: in Spanish, every refusal and every audit detail is said in Spanish, from its code. */
describe('browser: Spanish everywhere', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  const adminUser: Credentials = { username: 'admin', password: ADMIN_PASSWORD };
  const ines: Credentials = { username: 'ines', password: 'Ines-Turno-2026' };

  beforeAll(async () => {
    server = await startWebServer();
    admin = await server.loginAdmin();
    await createOperator(server, admin, ines, 'Inés Navarro');
    await createSite(server, admin, 'farmacia-norte', 'Farmacia Norte');
    await createGroup(server, admin, 'Zona Norte', ['farmacia-norte']);
    // What the audit screen must say in Spanish: a wrong password, a withdrawn alert, an export with filters.
    expect(
      (await server.api('POST', '/api/v1/auth/login', { body: { username: 'ines', password: 'nope-nope' } })).status,
    ).toBe(401);
    const token = await server.login(ines.username, ines.password);
    const sent = await server.api('POST', '/api/v1/messages', {
      token,
      body: { target: { kind: 'receiver', name: 'farmacia-norte' }, text: 'Pedido retenido' },
    });
    expect(sent.status).toBe(201);
    expect((await server.api('POST', `/api/v1/messages/${sent.body.id}/retract`, { token })).status).toBe(200);
    expect((await server.api('GET', '/api/v1/audit/export?q=retract', { token: admin })).status).toBe(200);
  });
  afterAll(() => server?.dispose());

  /** Picks a language in the toolbar's menu, as a user does. */
  const useLanguage = async (page: Page, language: 'es' | 'en') => {
    await page.getByTestId('language-menu').click();
    await page.getByTestId(`language-${language}`).click();
    expect(
      await until(
        () => page.evaluate(() => document.documentElement.lang),
        (l) => l === language,
      ),
    ).toBe(language);
  };

  it('says in Spanish that a site never existed, once, under the name (after switching from English)', async () => {
    const page = await openLoggedIn(browser, server, ines, '/operator/compose');
    await useLanguage(page, 'en');
    await useLanguage(page, 'es');
    browser.allow(failedResource(404));
    await page.getByTestId('target-receiver').click();
    await page.getByTestId('compose-target-name').fill('farmacia-fantasma');
    await page.keyboard.press('Escape'); // closes the name suggestions
    await page.getByTestId('compose-text').fill('Hola');
    await page.getByTestId('compose-send').click();

    const refusal = page.getByTestId('compose-name-error');
    const said = 'El sitio «farmacia-fantasma» no existe.';
    expect(normalize(await textOf(refusal, said))).toBe(said);
    expect(await page.getByTestId('api-error').count()).toBe(0);
    expect(await page.getByText('farmacia-fantasma» no existe').count()).toBe(1);
    expect(await english(page)).toEqual([]);
  });

  it('says the group import report in Spanish: an existing group, one without members, an unknown site', async () => {
    const csv = ['grupo,miembro1', 'Zona Norte,farmacia-norte', 'Zona Vacía', 'Zona Sur,farmacia-fantasma'].join('\n');
    const page = await openLoggedIn(browser, server, ines, '/operator/groups');
    await page.getByTestId('groups-import').click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'zonas.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    const preview = page.getByTestId('import-preview');
    expect(normalize(await textOf(preview, /no tiene miembros/))).toContain('El grupo no tiene miembros');
    expect(await english(page)).toEqual([]);

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
    expect((await errors.allInnerTexts()).map(normalize)).toEqual([
      'Línea 2: El grupo «zona norte» ya existe.',
      'Línea 3: El grupo «zona vacía» no tiene miembros.',
    ]);
    expect((await report.getByTestId('import-warning').allInnerTexts()).map(normalize)).toEqual([
      'Línea 4: «farmacia-fantasma» no es un sitio conocido (se importa igualmente).',
    ]);
    expect(await english(page)).toEqual([]);
  });

  it('says in Spanish that a password is too common, under the password field', async () => {
    const page = await openLoggedIn(browser, server, adminUser, '/admin/users');
    const admins = page.locator('[data-testid="user-row"][data-username="admin"]');
    // The built-in admin's display name is neutral: its login, in every language.
    expect(normalize(await textOf(admins, /admin/))).not.toContain('Administrator');
    await page.getByTestId('user-create').click();
    const form = page.getByTestId('user-form');
    await form.getByTestId('user-form-username').fill('nuevo');
    await form.getByTestId('user-form-password').fill('password123');
    await form.getByTestId('user-form-repeat').fill('password123');
    browser.allow(failedResource(400));
    await page.getByTestId('user-form-submit').click();
    const said = '«Contraseña» es una de las contraseñas más usadas; elige otra.';
    expect(normalize(await textOf(form.getByTestId('user-form-password-server'), said))).toBe(said);
    expect(await english(page)).toEqual([]);
  });

  it('says audit actions and details in Spanish, as labelled values', async () => {
    const page = await openLoggedIn(browser, server, adminUser, '/admin/audit');
    const details = page.getByTestId('audit-details');
    const all = async () => (await details.allInnerTexts()).map(normalize);
    const shown = await until(all, (d) => d.some((t) => t.startsWith('Filtros:')));
    expect(shown).toContain('Motivo: contraseña incorrecta');
    expect(shown.some((t) => /^Sitios avisados: \d+$/.test(t))).toBe(true);
    expect(shown).toContainEqual(expect.stringMatching(/^Filtros: Texto: «retract» · Filas: \d+ · Recortado: No$/));
    const actions = (await page.locator('[data-testid="audit-row"] .action').allInnerTexts()).map(normalize);
    expect(actions).toEqual(
      expect.arrayContaining(['Inicio de sesión fallido', 'Aviso retirado', 'Auditoría exportada']),
    );
    expect(await page.locator('[data-testid="audit-row"] code').count()).toBe(0);
    expect(await english(page)).toEqual([]);
  });

  it("shows the history's dates day first and its calendar in Spanish in an American English browser", async () => {
    const page = await browser.newPage(server, '/operator/history?from=2026-11-21', LAPTOP, 'en-US');
    await logIn(page, ines.username, ines.password);
    expect(await page.evaluate(() => navigator.language)).toBe('en-US');
    const from = page.getByTestId('history-from');
    const to = page.getByTestId('history-to');
    const param = (name: string) => new URL(page.url()).searchParams.get(name);
    expect(
      await until(
        () => from.inputValue(),
        (v) => v === '21/11/2026',
      ),
    ).toBe('21/11/2026');
    expect(await from.getAttribute('placeholder')).toBe('dd/mm/aaaa');

    // Typed day first, kept in the URL as a bare date as before.
    await to.fill('5/12/2026');
    await to.press('Tab');
    expect(
      await until(
        () => param('to'),
        (v) => v === '2026-12-05',
      ),
    ).toBe('2026-12-05');
    expect(await to.inputValue()).toBe('05/12/2026');

    // The calendar names months and weekdays in Spanish, starts on Monday, and is used with the keyboard.
    await page.getByRole('button', { name: 'Abrir el calendario' }).first().click();
    const calendar = page.locator('mat-calendar');
    const header = calendar.locator('.mat-calendar-period-button');
    expect(normalize(await textOf(header, 'NOVIEMBRE'))).toBe('NOVIEMBRE 2026');
    expect(await calendar.locator('th .cdk-visually-hidden').first().textContent()).toBe('lunes');
    // Once it has opened (the datepicker ignores a close asked for while it is still growing), from the focused
    // day. The opening animation may not have started yet when the day gets the focus: wait for it to be over.
    const ready = () =>
      page.evaluate(() => {
        const content = document.querySelector('.mat-datepicker-content');
        return (
          !!content &&
          !!document.activeElement?.classList.contains('mat-calendar-body-active') &&
          !content.classList.contains('mat-datepicker-content-animating') &&
          content.getAnimations({ subtree: true }).length === 0
        );
      });
    expect(await until(ready, (yes) => yes)).toBe(true);
    await page.keyboard.press('ArrowRight');
    // The arrow moves the focus once the calendar has drawn the new active day; Enter chooses the focused day.
    const focusedDay = () =>
      page.evaluate(() =>
        document.activeElement?.classList.contains('mat-calendar-body-active')
          ? document.activeElement.textContent?.trim()
          : null,
      );
    expect(await until(focusedDay, (day) => day === '22')).toBe('22');
    await page.keyboard.press('Enter');
    await calendar.waitFor({ state: 'detached' });
    expect(await from.inputValue()).toBe('22/11/2026');
    expect(
      await until(
        () => param('from'),
        (v) => v === '2026-11-22',
      ),
    ).toBe('2026-11-22');

    // In English the same day reads the same way; the calendar follows the app, not the browser, again.
    await useLanguage(page, 'en');
    expect(await from.getAttribute('placeholder')).toBe('dd/mm/yyyy');
    expect(await from.inputValue()).toBe('22/11/2026');
    await page.getByRole('button', { name: 'Open the calendar' }).first().click();
    expect(normalize(await textOf(header, 'NOVEMBER'))).toBe('NOVEMBER 2026');
    expect(await calendar.locator('th .cdk-visually-hidden').first().textContent()).toBe('Monday');
  });
});
