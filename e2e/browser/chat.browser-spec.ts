import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, type TestServer } from '../support/server';
import {
  createOperator,
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

/** The Chat area: two people talking in two browsers, read marks, removal, an ephemeral room, a hostile message. */
describe('browser: chat', () => {
  const browser = useBrowser();
  let server: TestServer;
  let admin: string;
  const ana: Credentials = { username: 'ana', password: 'Ana-Soporte-2026' };
  const luis: Credentials = { username: 'luis', password: 'Luis-Farmacia-2026' };
  const adminUser: Credentials = { username: 'admin', password: ADMIN_PASSWORD };
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
    const anaPage = await openLoggedIn(browser, server, ana, `/chat/${roomId}`);
    await anaPage.getByTestId('room-title').filter({ hasText: 'Pruebas' }).waitFor();
    const payload = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> https://avisa.example/ok';
    await say(anaPage, payload);
    for (const page of [anaPage, luisPage]) {
      expect(await textOf(messages(page), 'onerror')).toContain('<img src=x onerror="window.__xss=1">');
      expect(await textOf(messages(page), '</script>')).toContain('<script>window.__xss=2</script>');
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await messages(page).locator('img, script').count()).toBe(0);
      const link = messages(page).locator('a[href="https://avisa.example/ok"]');
      expect(await link.getAttribute('rel')).toContain('noopener');
      expect(await link.getAttribute('target')).toBe('_blank');
    }
  });

  it('cuts off a member removed in the middle of the conversation, and tells them', async () => {
    const roomId = await roomWithLuis('Turno de noche');
    const luisPage = await openLoggedIn(browser, server, luis, `/chat/${roomId}`);
    const anaPage = await openLoggedIn(browser, server, ana, `/chat/${roomId}`);
    await say(anaPage, 'Primer aviso del turno');
    expect(await textOf(messages(luisPage), 'Primer aviso')).toContain('Primer aviso del turno');

    await anaPage.getByTestId('members-button').click();
    await anaPage.getByTestId('remove-luis').click();
    await anaPage.locator('mat-dialog-container').getByRole('button', { name: 'Quitar' }).click();
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

  it('keeps a long history light: only the messages near the view are in the page, older pages come on scroll', async () => {
    const roomId = await roomWithLuis('Histórico');
    const token = await anaToken();
    const total = 600;
    for (let n = 1; n <= total; n++) {
      const posted = await server.api('POST', `/api/v1/rooms/${roomId}/messages`, {
        token,
        body: { text: n % 50 === 25 ? `Mensaje ${n}\ncon una segunda línea\ny una tercera` : `Mensaje ${n}` },
      });
      expect(posted.status).toBe(201);
    }
    const luisPage = await openLoggedIn(browser, server, luis, `/chat/${roomId}`);
    await textOf(messages(luisPage), `Mensaje ${total}`);
    const rendered = () => messages(luisPage).locator('av-chat-message').count();
    const inView = (text: string) =>
      luisPage.evaluate((wanted) => {
        const feed = document.querySelector('[data-testid="messages"]')!.getBoundingClientRect();
        return [...document.querySelectorAll('av-chat-message')].some((m) => {
          const box = m.getBoundingClientRect();
          const text = m.querySelector('[data-testid="message-text"]')?.textContent?.trim();
          return text === wanted && box.bottom > feed.top && box.top < feed.bottom;
        });
      }, text);
    expect(await until(() => inView(`Mensaje ${total}`), Boolean)).toBe(true);
    expect(await rendered()).toBeLessThan(60);

    // At the top of the first page the one before it comes in above, and the reader stays where they were.
    const feed = messages(luisPage);
    await feed.evaluate((el) => (el.scrollTop = 0));
    await textOf(feed, `Mensaje ${total - 50}`);
    await until(() => inView(`Mensaje ${total - 49}`), Boolean);
    expect(await inView(`Mensaje ${total - 49}`)).toBe(true);
    expect(await luisPage.getByTestId('loading-older').count()).toBe(0);

    // Page after page up to the first message, with the keyboard; the page never holds more than a screenful.
    await feed.focus();
    const first = await until(
      async () => {
        await luisPage.keyboard.press('Home');
        return inView('Mensaje 1');
      },
      Boolean,
      30_000,
    );
    expect(first).toBe(true);
    expect(await rendered()).toBeLessThan(60);
    await luisPage.keyboard.press('End');
    expect(await until(() => inView(`Mensaje ${total}`), Boolean)).toBe(true);
  });

  it('lets the author edit and delete a message, the owner delete anyone’s, and shows the author who read it', async () => {
    const roomId = await roomWithLuis('Pedidos');
    const anaPage = await openLoggedIn(browser, server, ana, `/chat/${roomId}`);
    const luisPage = await openLoggedIn(browser, server, luis, `/chat/${roomId}`);
    await luisPage.getByTestId('room-title').filter({ hasText: 'Pedidos' }).waitFor();

    await say(luisPage, 'Faltan tres cajas de ibuprofeno');
    const luisMessage = (page: Page) =>
      page.locator('av-chat-message').filter({ hasText: 'cajas de ibuprofeno' }).first();
    await textOf(messages(anaPage), 'cajas de ibuprofeno');
    await luisMessage(luisPage).getByTestId('edit-message').click();
    const editor = luisPage.getByTestId('edit-text');
    await editor.fill('Faltan dos cajas de ibuprofeno');
    await editor.press('Enter');
    expect(await textOf(luisMessage(anaPage), 'dos cajas')).toContain('(editado)');

    await luisMessage(luisPage).getByTestId('delete-message').click();
    await luisPage.getByTestId('confirm').click();
    expect(await textOf(messages(anaPage), 'Mensaje eliminado')).toContain('Mensaje eliminado');
    expect(await anaPage.getByText('dos cajas').count()).toBe(0);

    // The owner removes what a member wrote.
    await say(luisPage, 'Mensaje fuera de lugar');
    const misplaced = anaPage.locator('av-chat-message').filter({ hasText: 'fuera de lugar' });
    await misplaced.getByTestId('delete-message').click();
    await anaPage.getByTestId('confirm').click();
    await until(
      () => luisPage.getByText('Mensaje fuera de lugar').count(),
      (n) => n === 0,
    );
    expect(await luisPage.getByText('Mensaje fuera de lugar').count()).toBe(0);
    expect(await luisPage.getByTestId('message-deleted').count()).toBe(2);

    // Who got it: the author asks, and sees the reader among those who read it.
    await anaPage.bringToFront();
    await say(anaPage, 'Recibido, lo pido hoy');
    const receipt = anaPage.locator('av-chat-message').filter({ hasText: 'lo pido hoy' }).getByTestId('receipt');
    await luisPage.bringToFront();
    expect(await textOf(messages(luisPage), 'lo pido hoy')).toContain('lo pido hoy');
    expect(
      await until(
        () => receipt.getAttribute('data-read'),
        (read) => read === '1',
      ),
    ).toBe('1');
    await receipt.click();
    expect(await textOf(anaPage.getByTestId('receipts-readBy'), 'Luis Farmacia')).toContain('@luis');
  });

  it('joins a protected room with its code and password, and refuses a wrong one in plain words', async () => {
    const anaPage = await openLoggedIn(browser, server, ana, '/chat');
    await anaPage.getByTestId('new-room').click();
    await anaPage.getByTestId('room-name').fill('Dirección');
    await anaPage.getByTestId('room-kind-protected').click();
    await anaPage.getByTestId('room-password').fill('Clave-de-sala-1');
    await anaPage.getByTestId('create-room-submit').click();
    await anaPage.getByTestId('room-title').filter({ hasText: 'Dirección' }).waitFor();
    await anaPage.getByTestId('settings-button').click();
    const code = (await anaPage.getByTestId('room-code').innerText()).trim();
    expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);

    const luisPage = await openLoggedIn(browser, server, luis, '/chat');
    browser.allow(failedResource(403));
    await luisPage.getByTestId('join-with-code').click();
    await luisPage.getByTestId('join-code').fill(code);
    await luisPage.getByTestId('join-password').fill('no-es-esta');
    await luisPage.getByTestId('join-submit').click();
    const refused = 'El código o la contraseña no son correctos.';
    expect(normalize(await textOf(luisPage.getByTestId('api-error'), refused))).toBe(refused);
    await luisPage.getByTestId('join-password').fill('Clave-de-sala-1');
    await luisPage.getByTestId('join-submit').click();
    await luisPage.getByTestId('room-title').filter({ hasText: 'Dirección' }).waitFor();
    // A member does not see the code; the owner sees Luis arrive.
    expect(await luisPage.getByTestId('settings-button').count()).toBe(0);
    await anaPage.getByTestId('members-button').click();
    expect(await textOf(anaPage.getByTestId('members-panel'), 'Luis Farmacia')).toContain('Miembro');
  });

  it('lists public rooms to join, counts what comes while the reader is elsewhere, and lets them leave', async () => {
    const created = await server.api('POST', '/api/v1/rooms', {
      token: await anaToken(),
      body: { name: 'Tablón', kind: 'public', description: 'Avisos para todos' },
    });
    expect(created.status).toBe(201);
    const luisPage = await openLoggedIn(browser, server, luis, '/chat');
    const directory = luisPage.getByTestId('room-directory');
    await directory.getByTestId('join-Tablón').click();
    await luisPage.getByTestId('room-title').filter({ hasText: 'Tablón' }).waitFor();
    expect(await directory.getByTestId('room-Tablón').count()).toBe(0);

    await luisPage.goto('/files');
    await server.api('POST', `/api/v1/rooms/${created.body.id}/messages`, {
      token: await anaToken(),
      body: { text: 'Hola @luis, mira el tablón' },
    });
    expect(await textOf(luisPage.getByTestId('nav-unread'), '1')).toBe('1');
    await luisPage.getByTestId('nav-unread').click();
    const link = roomLink(luisPage, 'Tablón');
    expect(await textOf(link.getByTestId('mention-badge'), '@1')).toBe('@1');
    await link.click();
    await textOf(messages(luisPage), 'mira el tablón');
    await until(
      () => luisPage.getByTestId('nav-unread').count(),
      (n) => n === 0,
    );
    expect(await link.getByTestId('unread-badge').count()).toBe(0);

    await luisPage.getByTestId('leave-room').click();
    await luisPage.getByTestId('confirm').click();
    await directory.getByTestId('join-Tablón').waitFor();
    expect(await luisPage.locator('mat-snack-bar-container').count()).toBe(0);
  });

  it('lets an admin see every room, archive one (read only for its members) and delete it', async () => {
    const roomId = await roomWithLuis('Proveedores');
    const luisPage = await openLoggedIn(browser, server, luis, `/chat/${roomId}`);
    await composer(luisPage).waitFor();
    const adminPage = await openLoggedIn(browser, server, adminUser, '/chat');
    expect(await roomLink(adminPage, 'Proveedores').count()).toBe(0);
    await adminPage.getByTestId('all-rooms').click();
    await roomLink(adminPage, 'Proveedores').getByRole('link').click();
    await adminPage.getByTestId('admin-view').waitFor();
    await adminPage.getByTestId('settings-button').click();
    await adminPage.getByTestId('archive-room').click();

    expect(await textOf(luisPage.getByTestId('archived'), 'archivada')).toContain('no escribir');
    await composer(luisPage).waitFor({ state: 'detached' });

    await adminPage.getByTestId('delete-room').click();
    await adminPage.getByTestId('confirm').click();
    expect(await textOf(luisPage.locator('mat-snack-bar-container'), 'Se ha eliminado')).toContain('Proveedores');
    expect(await roomLink(luisPage, 'Proveedores').count()).toBe(0);
  });
});
