import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server';
import {
  createOperator,
  openLoggedIn,
  screenshot,
  startWebServer,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

/** The Chat area: two people talking in two browsers, read marks, removal, an ephemeral room, a hostile message. */
describe('browser: chat', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  const ana: Credentials = { username: 'ana', password: 'Ana-Soporte-2026' };
  const luis: Credentials = { username: 'luis', password: 'Luis-Farmacia-2026' };
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    server = await startWebServer();
    admin = await server.loginAdmin();
    ids.ana = (await createOperator(server, admin, ana, 'Ana Soporte')).id;
    ids.luis = (await createOperator(server, admin, luis, 'Luis Farmacia', 'member')).id;
  });
  afterAll(() => server?.dispose());

  const anaToken = () => server.login(ana.username, ana.password);
  const roomLink = (page: Page, name: string) => page.getByTestId(`room-${name}`);
  const composer = (page: Page) => page.getByTestId('composer');
  const messages = (page: Page) => page.getByTestId('messages');
  const say = async (page: Page, text: string) => {
    await composer(page).fill(text);
    await composer(page).press('Enter');
  };
  /** A private room made by ana through the API, with luis in it. */
  const roomWithLuis = async (name: string) => {
    const token = await anaToken();
    const room = await server.api('POST', '/api/v1/rooms', { token, body: { name, kind: 'private' } });
    expect(room.status).toBe(201);
    const added = await server.api('PUT', `/api/v1/rooms/${room.body.id}/members/${ids.luis}`, { token, body: {} });
    expect(added.status).toBe(200);
    return room.body.id as number;
  };

  it('carries a conversation between two browsers live, with typing and the read mark', async () => {
    const anaPage = await openLoggedIn(browser, server, ana, '/chat');
    await anaPage.getByTestId('new-room').click();
    await anaPage.getByTestId('room-name').fill('Incidencia frío');
    await anaPage.getByTestId('create-room-submit').click();
    await anaPage.getByTestId('room-title').filter({ hasText: 'Incidencia frío' }).waitFor();
    const roomId = Number(new URL(anaPage.url()).pathname.split('/').pop());
    const token = await anaToken();
    expect((await server.api('PUT', `/api/v1/rooms/${roomId}/members/${ids.luis}`, { token, body: {} })).status).toBe(
      200,
    );

    const luisPage = await openLoggedIn(browser, server, luis, '/chat');
    await roomLink(luisPage, 'Incidencia frío').click();
    await luisPage.getByTestId('room-title').filter({ hasText: 'Incidencia frío' }).waitFor();

    await anaPage.bringToFront();
    await say(anaPage, '¿Llegó el camión de frío a la farmacia?');
    expect(await textOf(messages(luisPage), 'camión de frío')).toContain('¿Llegó el camión de frío a la farmacia?');
    const receipt = anaPage.getByTestId('receipt').last();
    await receipt.waitFor();

    await luisPage.bringToFront();
    await composer(luisPage).pressSequentially('Sí, ', { delay: 20 });
    expect(await textOf(anaPage.getByTestId('typing'), 'Luis Farmacia')).toContain('Luis Farmacia');
    // The reader has the room in front: the author's mark turns to read.
    expect(
      await until(
        () => receipt.getAttribute('data-read'),
        (read) => read === '1',
      ),
    ).toBe('1');
    await composer(luisPage).fill('Sí, a las 9:10\nTodo en orden');
    await composer(luisPage).press('Enter');
    expect(await textOf(messages(anaPage), 'a las 9:10')).toContain('Todo en orden');
    await screenshot(anaPage, 'chat');
  });

  it('shows a message with markup as text, and runs nothing of it', async () => {
    const roomId = await roomWithLuis('Pruebas');
    const luisPage = await openLoggedIn(browser, server, luis, `/chat/${roomId}`);
    await luisPage.getByTestId('room-title').filter({ hasText: 'Pruebas' }).waitFor();
    const payload = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> https://avisa.example/ok';
    const posted = await server.api('POST', `/api/v1/rooms/${roomId}/messages`, {
      token: await anaToken(),
      body: { text: payload },
    });
    expect(posted.status).toBe(201);
    expect(await textOf(messages(luisPage), 'onerror')).toContain('<img src=x onerror="window.__xss=1">');
    expect(await luisPage.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await messages(luisPage).locator('img').count()).toBe(0);
    const link = messages(luisPage).locator('a[href="https://avisa.example/ok"]');
    expect(await link.getAttribute('rel')).toContain('noopener');
  });

  it('cuts off a member removed in the middle of the conversation, and tells them', async () => {
    const roomId = await roomWithLuis('Turno de noche');
    const luisPage = await openLoggedIn(browser, server, luis, `/chat/${roomId}`);
    const anaPage = await openLoggedIn(browser, server, ana, `/chat/${roomId}`);
    await say(anaPage, 'Primer aviso del turno');
    expect(await textOf(messages(luisPage), 'Primer aviso')).toContain('Primer aviso del turno');

    await anaPage.getByTestId('members-button').click();
    await anaPage.getByTestId('remove-luis').click();
    await anaPage.getByRole('button', { name: 'Quitar' }).last().click();
    expect(await textOf(luisPage.locator('mat-snack-bar-container'), 'Te han quitado')).toContain('Turno de noche');
    await luisPage.getByTestId('no-room').waitFor();
    expect(await roomLink(luisPage, 'Turno de noche').count()).toBe(0);

    await say(anaPage, 'Esto ya no lo ve');
    await textOf(messages(anaPage), 'Esto ya no lo ve');
    expect(await luisPage.getByText('Esto ya no lo ve').count()).toBe(0);
  });

  it('relays an ephemeral room live and keeps nothing: after a reload the room is empty', async () => {
    const token = await anaToken();
    const room = await server.api('POST', '/api/v1/rooms', {
      token,
      body: { name: 'Reunión rápida', kind: 'ephemeral' },
    });
    expect(room.status).toBe(201);
    const luisPage = await openLoggedIn(browser, server, luis, '/chat');
    await luisPage.getByTestId('join-with-code').click();
    await luisPage.getByTestId('join-code').fill(room.body.code);
    await luisPage.getByTestId('join-submit').click();
    await luisPage.getByTestId('room-title').filter({ hasText: 'Reunión rápida' }).waitFor();

    const anaPage = await openLoggedIn(browser, server, ana, `/chat/${room.body.id}`);
    await anaPage.getByTestId('room-title').filter({ hasText: 'Reunión rápida' }).waitFor();
    await say(anaPage, 'Esto no se guarda');
    expect(await textOf(messages(luisPage), 'Esto no se guarda')).toContain('Esto no se guarda');

    await luisPage.reload();
    await luisPage.getByTestId('room-title').filter({ hasText: 'Reunión rápida' }).waitFor();
    await luisPage.getByTestId('no-messages').waitFor();
    expect(await luisPage.getByText('Esto no se guarda').count()).toBe(0);
  });
});
