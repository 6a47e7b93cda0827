import {
  emptyDeliveryCounts,
  type DeliveryCounts,
  type DeliveryResponse,
  type DeliveryState,
  type DeliveriesUpdatedPayload,
  deliveryUpdatesOf,
  type PresencePayload,
  type ReceiverConnectionResponse,
  type ReceiverResponse,
  type SendMessageResponse,
} from '@avisa/contracts';
import { eventually } from './support/eventually';
import { disposeSitePcs, RECEIVER_VERSION, receiverBuilt, SitePc, stopAllReceivers } from './support/receiver';
import { sleep, TestServer } from './support/server';
import { queryDb, storedCopies } from './support/database';
import { openSocket } from './support/test-socket';

/**
 * Alert delivery proven with real processes only: the built server and several built `avisa-receiver` processes, each
 * on its own "site PC" folder, whose desktop notifier is the recording script (so every notification shown is a line
 * in a file, and a "click" can be simulated). Each test below is one thing a site or an operator would check.
 */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const WAIT_MS = 10_000;
const ACK_TIMEOUT_SECONDS = 2;
const SERVER_ENV = {
  AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: String(ACK_TIMEOUT_SECONDS),
  // Every site of this spec connects from 127.0.0.1; the wrong-key and rotated-key receivers retry every second.
  AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000',
  AVISA_LOGIN_IP_LIMIT: '100',
};
const OPERATOR = { username: 'centro', password: 'Centro-Control-2026', displayName: 'Centro de Control' };
const NORMAL_TITLE = `Aviso — ${OPERATOR.displayName}`;
const URGENT_TITLE = `URGENTE — ${OPERATOR.displayName}`;
/** Always running; alfa's person clicks every notification 2 s after it appears, nobody clicks at the others. */
const MAIN_SITES = ['alfa', 'bravo', 'charlie', 'delta', 'eco'];
const CLICK_AFTER_MS = 2000;

/** `eventually` with this spec's longer default wait. */
const poll = <T>(read: () => T | Promise<T>, accept: (value: T) => boolean, timeoutMs = WAIT_MS) =>
  eventually(read, accept, timeoutMs);

describe('alert delivery to real receiver processes', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  const pcs = new Map<string, SitePc>();
  const keys = new Map<string, string>();

  const pc = (name: string) => pcs.get(name)!;

  const createSite = async (
    name: string,
    options: { clickAfterMs?: number; answerWith?: string } = {},
  ): Promise<SitePc> => {
    const response = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name } });
    expect(response.status).toBe(201);
    keys.set(name, response.body.key);
    const site = SitePc.create(server, name, response.body.key, options);
    pcs.set(name, site);
    return site;
  };

  const send = async (target: { kind: 'all' } | { kind: 'receiver'; name: string }, text: string, extra = {}) => {
    const response = await server.api<SendMessageResponse>('POST', '/api/v1/messages', {
      token: operator,
      body: { target, text, ...extra },
    });
    expect(response.status).toBe(201);
    return response.body;
  };

  const deliveries = async (id: string): Promise<Record<string, DeliveryResponse>> => {
    const response = await server.api('GET', `/api/v1/messages/${id}`, { token: operator });
    expect(response.status).toBe(200);
    return Object.fromEntries((response.body.deliveries as DeliveryResponse[]).map((d) => [d.receiver, d]));
  };
  const states = async (id: string) =>
    Object.fromEntries(Object.entries(await deliveries(id)).map(([name, d]) => [name, d.state]));

  const site = async (name: string) => {
    const response = await server.api('GET', `/api/v1/receivers/${name}`, { token: admin });
    expect(response.status).toBe(200);
    return response.body as ReceiverResponse;
  };
  const connections = async (name: string) => {
    const response = await server.api<ReceiverConnectionResponse[]>('GET', `/api/v1/receivers/${name}/connections`, {
      token: admin,
    });
    expect(response.status).toBe(200);
    return response.body;
  };
  const refusals = (name: string) =>
    queryDb<{ details: string }>(
      server,
      "SELECT details FROM audit_events WHERE action = 'receiver.connection.refused' AND target = ? ORDER BY id",
      name,
    ).map((row) => (JSON.parse(row.details) as { reason: string }).reason);

  /** Online for the server and "connected" in the receiver's own status file (else, what a dead receiver said). */
  const waitConnected = async (name: string) => {
    const seen = await poll(
      async () => ({
        online: (await site(name)).online,
        receiver: pc(name).status()?.state,
        exited: pc(name).process?.running === false ? pc(name).process!.text.slice(-1000) : null,
      }),
      (s) => (s.online && s.receiver === 'connected') || s.exited !== null,
    );
    expect(seen).toEqual({ online: true, receiver: 'connected', exited: null });
  };

  /** Waits for `text` in the receiver's log (winston writes the file a moment after the fact); returns the log. */
  const expectLogged = async (machine: SitePc, text: string): Promise<string> => {
    const log = await eventually(
      () => machine.log(),
      (l) => l.includes(text),
      WAIT_MS,
    );
    expect(log).toContain(text);
    return log;
  };

  /** Waits until the alert is shown at `name` and its delivery reached `state`. */
  const waitShownAndState = async (id: string, text: string, name: string, state: DeliveryState) => {
    await eventually(
      () => pc(name).shown(text),
      (n) => n > 0,
      WAIT_MS,
    );
    const delivery = await poll(
      async () => (await deliveries(id))[name],
      (d) => d?.state === state,
    );
    expect(delivery).toMatchObject({ receiver: name, state });
  };

  beforeAll(async () => {
    if (!receiverBuilt()) throw new Error('Build first: npm run build');
    server = await TestServer.start({ env: SERVER_ENV });
    admin = await server.loginAdmin();
    const user = await server.api('POST', '/api/v1/users', {
      token: admin,
      body: { ...OPERATOR, role: 'operator' },
    });
    expect(user.status).toBe(201);
    operator = await server.login(OPERATOR.username, OPERATOR.password);
    for (const name of MAIN_SITES) {
      await createSite(name, name === 'alfa' ? { clickAfterMs: CLICK_AFTER_MS } : {});
    }
    for (const name of MAIN_SITES) pc(name).start();
    for (const name of MAIN_SITES) await waitConnected(name);
  });

  // A test that failed half-way leaves no receiver of its own behind; the main sites' receivers keep running.
  afterEach(() => stopAllReceivers((r) => MAIN_SITES.includes(r.site.name) && pcs.get(r.site.name) === r.site));

  afterAll(async () => {
    await disposeSitePcs();
    await server?.dispose();
  });

  it('shows a global, a private and an urgent alert at the right sites, with delivered then read receipts', async () => {
    const globalText = 'Corte de red programado hoy a las 14:00';
    const global = await send({ kind: 'all' }, globalText);
    expect([...global.online].sort()).toEqual(MAIN_SITES);
    expect(global.queued).toEqual([]);
    // alfa's receiver reports delivered when the notification is on screen, then read when it is clicked.
    const alfaFirst = await poll(
      async () => (await deliveries(global.id)).alfa.state,
      (s) => s !== 'queued' && s !== 'sent',
    );
    expect(alfaFirst).toBe('delivered');
    await poll(
      () => states(global.id),
      (s) => s.alfa === 'read' && MAIN_SITES.slice(1).every((n) => s[n] === 'delivered'),
    );
    const afterGlobal = await deliveries(global.id);
    expect(Object.fromEntries(Object.entries(afterGlobal).map(([n, d]) => [n, d.state]))).toEqual({
      alfa: 'read',
      bravo: 'delivered',
      charlie: 'delivered',
      delta: 'delivered',
      eco: 'delivered',
    });
    expect(Date.parse(afterGlobal.alfa.readAt!)).toBeGreaterThan(Date.parse(afterGlobal.alfa.deliveredAt!));
    expect(afterGlobal.bravo.readAt).toBeNull();

    const privateText = 'Solo para Bravo: revisad el cierre de caja';
    const onlyBravo = await send({ kind: 'receiver', name: 'bravo' }, privateText);
    expect(onlyBravo).toMatchObject({ online: ['bravo'], queued: [] });
    await waitShownAndState(onlyBravo.id, privateText, 'bravo', 'delivered');
    expect(Object.keys(await deliveries(onlyBravo.id))).toEqual(['bravo']);

    const urgentText = 'Caída del sistema de recetas, usad el procedimiento manual';
    const urgent = await send({ kind: 'receiver', name: 'alfa' }, urgentText, { priority: 'urgent' });
    expect(urgent.online).toEqual(['alfa']);
    const urgentFirst = await poll(
      async () => (await deliveries(urgent.id)).alfa.state,
      (s) => s !== 'queued' && s !== 'sent',
    );
    expect(urgentFirst).toBe('delivered');
    await waitShownAndState(urgent.id, urgentText, 'alfa', 'read');

    // What each site's screen showed, in order: nothing missing, nothing extra, nothing twice.
    const shown = (name: string) =>
      pc(name)
        .notifications()
        .map((n) => [n.title, n.text]);
    expect(shown('alfa')).toEqual([
      [NORMAL_TITLE, globalText],
      [URGENT_TITLE, urgentText],
    ]);
    expect(shown('bravo')).toEqual([
      [NORMAL_TITLE, globalText],
      [NORMAL_TITLE, privateText],
    ]);
    for (const name of ['charlie', 'delta', 'eco']) expect(shown(name)).toEqual([[NORMAL_TITLE, globalText]]);
    const [, urgentShown] = pc('alfa').notifications();
    expect(urgentShown.args).toEqual(expect.arrayContaining(['--urgency', 'critical', '--expire-time', '0']));
    expect(pc('bravo').notifications()[1].args).toEqual(expect.arrayContaining(['--urgency', 'normal']));
  });

  it('an offline site catches up when its receiver starts: every alert, in the order sent, all delivered', async () => {
    const golf = await createSite('golf');
    const texts = ['Pendiente 1: inventario', 'Pendiente 2: nuevos precios', 'Pendiente 3: reunión el lunes'];
    const ids: string[] = [];
    for (const text of texts) {
      const result = await send({ kind: 'receiver', name: 'golf' }, text);
      expect(result).toMatchObject({ online: [], queued: ['golf'] });
      ids.push(result.id);
    }
    for (const id of ids) expect(await states(id)).toEqual({ golf: 'queued' });

    golf.start();
    await waitConnected('golf');
    const shown = await eventually(
      () => golf.notifications(),
      (n) => n.length >= 3,
      WAIT_MS,
    );
    expect(shown.map((n) => n.text)).toEqual(texts);
    expect(shown.every((n) => n.title === NORMAL_TITLE)).toBe(true);
    for (const id of ids) {
      expect(
        await poll(
          () => states(id),
          (s) => s.golf === 'delivered',
        ),
      ).toEqual({ golf: 'delivered' });
    }
    await expectLogged(golf, 'Welcome: golf (golf), protocol 1, 3 pending');
    // The receiver handled them in that order too (its log is its own account of what it showed).
    const log = await expectLogged(golf, `Alert ${ids[2]} shown`);
    const handled = ids.map((id) => log.indexOf(`Alert ${id} from ${OPERATOR.displayName} (normal); showing it`));
    expect(handled.every((at) => at >= 0)).toBe(true);
    expect([...handled].sort((a, b) => a - b)).toEqual(handled);
    await golf.process!.stop();
  });

  it('refuses a second receiver with the same name and key while the first keeps working', async () => {
    const bravo = pc('bravo');
    const before = await site('bravo');
    expect(before.online).toBe(true);
    const twin = bravo.copy();
    const twinProcess = twin.start();

    const status = await eventually(
      () => twin.status(),
      (s) => !!s?.lastError?.includes('already_connected'),
      WAIT_MS,
    );
    expect(status).toMatchObject({ name: 'bravo', lastError: expect.stringContaining('already connected') });
    expect(status!.state).not.toBe('connected');
    expect(refusals('bravo')).toContain('already_connected');
    const cli = await twin.statusCommand();
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('refused by the server (already_connected)');
    expect(twinProcess.running).toBe(true);

    // The first connection was never touched, and it still gets new alerts; the twin shows nothing.
    expect(await site('bravo')).toMatchObject({ online: true, connectedSince: before.connectedSince });
    expect((await connections('bravo'))[0]).toMatchObject({ disconnectedAt: null, endReason: null });
    const text = 'Bravo: el primero sigue recibiendo';
    const result = await send({ kind: 'receiver', name: 'bravo' }, text);
    expect(result.online).toEqual(['bravo']);
    await waitShownAndState(result.id, text, 'bravo', 'delivered');
    expect(bravo.shown(text)).toBe(1);
    expect(twin.notifications()).toEqual([]);
    expect(bravo.status()).toMatchObject({ state: 'connected' });

    await twinProcess.stop();
    expect(twinProcess.child.exitCode).toBe(0);
    expect(await site('bravo')).toMatchObject({ online: true, connectedSince: before.connectedSince });
  });

  it('refuses a wrong key: the receiver says it is not connected and the refusal is audited', async () => {
    await createSite('juliett');
    const wrongKey = `avr_${'x'.repeat(43)}`;
    const impostor = SitePc.create(server, 'juliett', wrongKey);
    const receiver = impostor.start();

    const status = await eventually(
      () => impostor.status(),
      (s) => !!s?.lastError?.includes('invalid_credentials'),
      WAIT_MS,
    );
    expect(status).toMatchObject({
      name: 'juliett',
      lastError: 'refused by the server (invalid_credentials): invalid receiver name or key',
    });
    expect(status!.state).not.toBe('connected');
    const cli = await impostor.statusCommand();
    expect(cli.code).toBe(1);
    expect(cli.stdout).not.toMatch(/^avisa-receiver connected/);
    expect(cli.stdout).toContain('invalid_credentials');
    expect(refusals('juliett')).toContain('invalid_credentials');
    expect(refusals('juliett')).not.toContain('already_connected');
    expect(await site('juliett')).toMatchObject({ online: false, connectedSince: null });
    expect(await connections('juliett')).toEqual([]);
    expect(impostor.log()).not.toContain(wrongKey);
    await receiver.stop();
  });

  it('shows nothing twice after a receiver is killed and restarted, although the server sends the alert again', async () => {
    // The person clicks only after 4 s, so the notification is still up when the connection is cut.
    const india = await createSite('india', { clickAfterMs: 4000 });
    india.start();
    await waitConnected('india');

    // The alert reaches the site, then the connection is cut (the site disabled for a moment) before the receiver
    // could confirm it: the delivered receipt waits on disk and the server still has the alert as only sent.
    const text = 'India: aviso que no debe repetirse';
    const alert = await send({ kind: 'receiver', name: 'india' }, text);
    expect(alert.online).toEqual(['india']);
    expect(
      (await server.api('PATCH', '/api/v1/receivers/india', { token: admin, body: { enabled: false } })).status,
    ).toBe(200);
    const pending = await eventually(
      () => india.outbox().filter((r) => r.id === alert.id),
      (r) => r.length > 0,
      WAIT_MS,
    );
    expect(pending).toEqual([
      expect.objectContaining({ id: alert.id, state: 'delivered', at: expect.stringMatching(ISO) }),
    ]);
    expect(india.seen().find((e) => e.id === alert.id)).toMatchObject({ shownAt: expect.any(Number) });
    expect(india.shown(text)).toBe(1);
    expect((await deliveries(alert.id)).india).toMatchObject({ state: 'sent', attempts: 1 });

    await india.process!.kill();
    expect(
      (await server.api('PATCH', '/api/v1/receivers/india', { token: admin, body: { enabled: true } })).status,
    ).toBe(200);
    india.start();
    await waitConnected('india');
    const delivered = await poll(
      async () => (await deliveries(alert.id)).india,
      (d) => d.state === 'delivered',
    );
    expect(delivered).toMatchObject({ state: 'delivered', deliveredAt: expect.stringMatching(ISO) });
    expect(delivered.attempts).toBeGreaterThanOrEqual(2); // it was sent again after the restart
    await expectLogged(india, 'Welcome: india (india), protocol 1, 1 pending');
    expect(
      await eventually(
        () => india.outbox(),
        (o) => o.length === 0,
      ),
    ).toEqual([]);

    // A new alert still shows once; past an acknowledgement timeout nothing has been shown again.
    const next = 'India: el receptor reiniciado sigue funcionando';
    const after = await send({ kind: 'receiver', name: 'india' }, next);
    await waitShownAndState(after.id, next, 'india', 'delivered');
    await sleep(ACK_TIMEOUT_SECONDS * 1000 + 1000);
    expect(india.notifications().map((n) => n.text)).toEqual([text, next]);
    await india.process!.stop();
  });

  it('never shows an alert that expired or was retracted while the site was offline; a retract after showing reaches the receiver', async () => {
    const hotel = await createSite('hotel');
    const expiring = await send({ kind: 'receiver', name: 'hotel' }, 'Hotel: caduca en 2 s', { ttlSeconds: 2 });
    expect(expiring.queued).toEqual(['hotel']);
    const withdrawn = await send({ kind: 'receiver', name: 'hotel' }, 'Hotel: retirado antes de llegar');
    const retract = await server.api('POST', `/api/v1/messages/${withdrawn.id}/retract`, { token: operator });
    expect(retract.status).toBe(200);
    const controlText = 'Hotel: este sí debe llegar';
    const control = await send({ kind: 'receiver', name: 'hotel' }, controlText);
    expect(await states(withdrawn.id)).toEqual({ hotel: 'retracted' });
    expect(await states(expiring.id)).toEqual({ hotel: 'queued' });

    const expiresAt = (await server.api('GET', `/api/v1/messages/${expiring.id}`, { token: operator })).body.expiresAt;
    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()) + 300);
    hotel.start();
    await waitConnected('hotel');
    await waitShownAndState(control.id, controlText, 'hotel', 'delivered');
    await expectLogged(hotel, 'Welcome: hotel (hotel), protocol 1, 1 pending');
    // The expiry job runs every 5 s.
    expect(
      await poll(
        () => states(expiring.id),
        (s) => s.hotel === 'expired',
        8000,
      ),
    ).toEqual({ hotel: 'expired' });
    expect(await states(withdrawn.id)).toEqual({ hotel: 'retracted' });
    expect(hotel.notifications().map((n) => n.text)).toEqual([controlText]);
    const hotelLog = await expectLogged(hotel, `Alert ${control.id} shown`);
    expect(hotelLog).not.toContain(expiring.id);
    expect(hotelLog).not.toContain(withdrawn.id);

    // Retracted after it was shown: the receiver is told, remembers it, and the copy stays delivered (documented:
    // "retracted" is for copies withdrawn before they were delivered).
    const shownText = 'Hotel: se retirará después de mostrarse';
    const shownThenRetracted = await send({ kind: 'receiver', name: 'hotel' }, shownText);
    await waitShownAndState(shownThenRetracted.id, shownText, 'hotel', 'delivered');
    const late = await server.api('POST', `/api/v1/messages/${shownThenRetracted.id}/retract`, { token: operator });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({
      retractedBy: OPERATOR.username,
      counts: { total: 1, delivered: 1, retracted: 0 },
    });
    const entry = await eventually(
      () => hotel.seen().find((e) => e.id === shownThenRetracted.id),
      (e) => !!e?.retracted,
      WAIT_MS,
    );
    expect(entry).toMatchObject({ retracted: true, shownAt: expect.any(Number) });
    await expectLogged(hotel, `Alert ${shownThenRetracted.id} retracted`);
    expect(await states(shownThenRetracted.id)).toEqual({ hotel: 'delivered' });
    expect(hotel.shown(shownText)).toBe(1);
    await hotel.process!.stop();
  });

  it("cancels a deleted site's waiting alerts: a new site given its name does not show them", async () => {
    await createSite('oscar');
    const waiting = await send({ kind: 'receiver', name: 'oscar' }, 'Oscar: esperaba a un sitio que se borra');
    expect(waiting.queued).toEqual(['oscar']);
    const deleted = await server.api('DELETE', '/api/v1/receivers/oscar', { token: admin });
    expect(deleted.status).toBe(204);
    expect(await states(waiting.id)).toEqual({ oscar: 'cancelled' });

    const again = await createSite('oscar');
    again.start();
    await waitConnected('oscar');
    await expectLogged(again, 'Welcome: oscar (oscar), protocol 1, 0 pending');
    const controlText = 'Oscar: el sitio nuevo recibe esto';
    const control = await send({ kind: 'receiver', name: 'oscar' }, controlText);
    await waitShownAndState(control.id, controlText, 'oscar', 'delivered');
    expect(again.notifications().map((n) => n.text)).toEqual([controlText]);
    expect(await states(waiting.id)).toEqual({ oscar: 'cancelled' });
    await again.process!.stop();
    expect((await server.api('DELETE', '/api/v1/receivers/oscar', { token: admin })).status).toBe(204);
  });

  it('pushes presence and receipts of a real receiver to the operators live view', async () => {
    const live = openSocket(server, '/operators', { token: operator });
    try {
      await live.connected();
      const presence = () => live.received<PresencePayload>('receiver.presence').filter((p) => p.name === 'kilo');
      const kilo = await createSite('kilo', { clickAfterMs: CLICK_AFTER_MS });
      kilo.start();
      const online = await eventually(presence, (p) => p.length > 0, WAIT_MS);
      expect(online).toEqual([
        {
          name: 'kilo',
          online: true,
          connectedSince: expect.stringMatching(ISO),
          lastSeenAt: expect.stringMatching(ISO),
          clientVersion: `avisa-receiver/${RECEIVER_VERSION}`,
        },
      ]);

      const text = 'Kilo: recibos en vivo';
      const alert = await send({ kind: 'receiver', name: 'kilo' }, text);
      const updates = await eventually(
        () =>
          live
            .received<DeliveriesUpdatedPayload>('deliveries.updated')
            .flatMap(deliveryUpdatesOf)
            .filter((u) => u.messageId === alert.id),
        (u) => u.length >= 2,
        WAIT_MS,
      );
      const counts = (partial: Partial<DeliveryCounts>) => ({ ...emptyDeliveryCounts(), total: 1, ...partial });
      expect(updates).toEqual([
        expect.objectContaining({ receiver: 'kilo', state: 'delivered', counts: counts({ delivered: 1 }) }),
        expect.objectContaining({ receiver: 'kilo', state: 'read', counts: counts({ read: 1 }) }),
      ]);
      expect(Date.parse(updates[1].at)).toBeGreaterThan(Date.parse(updates[0].at));
      expect(kilo.shown(text)).toBe(1);

      await kilo.process!.stop();
      expect(kilo.process!.child.exitCode).toBe(0);
      const both = await eventually(presence, (p) => p.length > 1, WAIT_MS);
      expect(both[1]).toEqual({
        name: 'kilo',
        online: false,
        connectedSince: null,
        lastSeenAt: expect.stringMatching(ISO),
        clientVersion: `avisa-receiver/${RECEIVER_VERSION}`,
      });
    } finally {
      live.close();
    }
  });

  it("takes a site's quick reply: offered on the notification, stored as read with its text, live to operators, in the detail, history and audit", async () => {
    const live = openSocket(server, '/operators', { token: operator });
    try {
      await live.connected();
      const juliet = await createSite('juliet', { clickAfterMs: 300, answerWith: 'reply-1' });
      juliet.start();
      await waitConnected('juliet');
      const text = 'Juliet: ¿tenéis el lote 42?';
      const replies = ['Recibido', 'Necesito ayuda', 'Llamadme'];
      const alert = await send({ kind: 'receiver', name: 'juliet' }, text, { replies });

      const replied = await eventually(
        () =>
          live
            .received<DeliveriesUpdatedPayload>('deliveries.updated')
            .flatMap(deliveryUpdatesOf)
            .filter((u) => u.messageId === alert.id && u.reply !== undefined),
        (u) => u.length > 0,
        WAIT_MS,
      );
      expect(replied).toEqual([
        expect.objectContaining({ receiver: 'juliet', state: 'read', reply: 'Necesito ayuda' }),
      ]);
      // The person saw the three answers as the notification's actions.
      const shown = juliet.notifications().find((n) => n.text === text)!;
      expect(shown.args).toEqual(
        expect.arrayContaining([
          '--action=reply-0=Recibido',
          '--action=reply-1=Necesito ayuda',
          '--action=reply-2=Llamadme',
        ]),
      );

      const detail = await server.api('GET', `/api/v1/messages/${alert.id}`, { token: operator });
      expect(detail.body).toMatchObject({ replies, replied: 1 });
      expect(detail.body.deliveries).toEqual([
        expect.objectContaining({
          receiver: 'juliet',
          state: 'read',
          reply: 'Necesito ayuda',
          repliedAt: expect.stringMatching(ISO),
        }),
      ]);
      const history = await server.api('GET', `/api/v1/messages?q=${encodeURIComponent('lote 42')}`, {
        token: operator,
      });
      expect(history.body.items).toEqual([expect.objectContaining({ id: alert.id, replies, replied: 1 })]);
      expect(
        queryDb<{ actor_name: string; details: string }>(
          server,
          "SELECT actor_name, details FROM audit_events WHERE action = 'message.replied' AND target = ?",
          alert.id,
        ).map((row) => ({ actor: row.actor_name, details: JSON.parse(row.details) as unknown })),
      ).toEqual([{ actor: 'site:juliet', details: { site: 'juliet', reply: 'Necesito ayuda' } }]);
      await juliet.process!.stop();
    } finally {
      live.close();
    }
  });

  it('a key rotation cuts the running receiver, the old key is refused, and the new key in its file brings it back', async () => {
    const lima = await createSite('lima');
    const receiver = lima.start();
    await waitConnected('lima');

    const rotated = await server.api('POST', '/api/v1/receivers/lima/rotate-key', { token: admin });
    expect(rotated.status).toBe(200);
    const newKey: string = rotated.body.key;
    expect(newKey).not.toBe(keys.get('lima'));

    const cut = await poll(
      async () => (await connections('lima'))[0],
      (c) => c.disconnectedAt !== null,
    );
    expect(cut).toMatchObject({ endReason: 'key rotated', disconnectedAt: expect.stringMatching(ISO) });
    // It keeps trying with the old key and is refused each time; the process itself keeps running.
    await eventually(
      () => refusals('lima').filter((r) => r === 'invalid_credentials').length,
      (n) => n >= 2,
      WAIT_MS,
    );
    expect(refusals('lima').filter((r) => r === 'invalid_credentials').length).toBeGreaterThanOrEqual(2);
    expect(await site('lima')).toMatchObject({ online: false });
    expect(lima.status()).toMatchObject({
      pid: receiver.pid,
      lastError: expect.stringContaining('invalid_credentials'),
    });
    expect(await connections('lima')).toHaveLength(1);
    expect(receiver.running).toBe(true);

    lima.writeConfig({ ...lima.config(), key: newKey });
    await waitConnected('lima');
    expect(receiver.running).toBe(true);
    expect(lima.status()).toMatchObject({ pid: receiver.pid, state: 'connected' });
    const history = await connections('lima');
    expect(history.map((c) => c.endReason)).toEqual([null, 'key rotated']);
    expect(history[0].disconnectedAt).toBeNull();

    const text = 'Lima: con la clave nueva';
    const alert = await send({ kind: 'receiver', name: 'lima' }, text);
    await waitShownAndState(alert.id, text, 'lima', 'delivered');
    expect(lima.notifications().map((n) => n.text)).toEqual([text]);
    expect(lima.log()).not.toContain(newKey);
    // The site's log says why it was cut, in the words IT reads.
    await expectLogged(lima, 'The server disconnected this site: its key was changed');
    await receiver.stop();
  });

  it('an edited config file takes effect within seconds, not at a retry minutes away', async () => {
    const mike = await createSite('mike');
    const key = keys.get('mike')!;
    mike.writeConfig({
      ...mike.config(),
      key: `${key.slice(0, -4)}xxxx`,
      reconnect: { minMs: 300_000, maxMs: 600_000 },
    });
    const receiver = mike.start();
    // Refused, and waiting for a retry that lies well ahead (the backoff is random: wait until it is).
    const waiting = await poll(
      async () => mike.status(),
      (s) =>
        s?.state === 'disconnected' &&
        (s.lastError ?? '').includes('invalid_credentials') &&
        Date.parse(s.nextAttemptAt ?? '') - Date.now() > 20_000,
      60_000,
    );
    const nextAttemptAt = Date.parse(waiting!.nextAttemptAt!);

    mike.writeConfig({ ...mike.config(), key });
    await waitConnected('mike');
    expect(Date.parse(mike.status()!.since)).toBeLessThan(nextAttemptAt);
    await expectLogged(mike, 'Configuration changed; connecting again now');
    expect(receiver.running).toBe(true);
    await receiver.stop();
  });

  it('loses nothing when the server is killed (SIGKILL) in the middle of a burst: each alert shown exactly once per site', async () => {
    const running = MAIN_SITES;
    for (const name of running) await waitConnected(name);
    // Sites created by the other tests have no receiver running any more: the burst waits for them.
    const all = await server.api<ReceiverResponse[]>('GET', '/api/v1/receivers', {
      token: admin,
    });
    const offline = all.body.filter((r) => r.enabled && !running.includes(r.name)).map((r) => r.name);
    expect(all.body.filter((r) => r.online).map((r) => r.name)).toEqual(running);

    const texts = Array.from({ length: 20 }, (_, i) => `Ráfaga ${i + 1} de 20`);
    const answered = new Set<string>();
    const killed = new Promise((done) => server.process.once('exit', done));
    const results = await Promise.allSettled(
      texts.map(async (text) => {
        const response = await server.api('POST', '/api/v1/messages', {
          token: operator,
          body: { target: { kind: 'all' }, text },
        });
        if (response.status === 201) answered.add(text);
        if (answered.size === 15) server.process.kill('SIGKILL');
        return response.status;
      }),
    );
    if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill('SIGKILL');
    await killed;
    expect(server.process.signalCode).toBe('SIGKILL');
    expect(answered.size).toBeGreaterThanOrEqual(15);
    // Every POST either got 201 or lost its connection to the killed server; none got an error answer.
    for (const r of results) if (r.status === 'fulfilled') expect(r.value).toBe(201);

    // Read from the dead server's file: the kill caught the fan-out with copies not yet confirmed.
    const burst = queryDb<{ id: string }>(server, "SELECT id FROM messages WHERE text LIKE 'Ráfaga %'");
    const openAtKill = burst
      .flatMap(({ id }) => storedCopies(server, id))
      .filter(([site, state]) => running.includes(site) && (state === 'queued' || state === 'sent'));
    expect(openAtKill.length).toBeGreaterThan(0);

    const { dir, port } = server;
    await server.stop();
    server = await TestServer.start({ dir, port, env: SERVER_ENV });
    operator = await server.login(OPERATOR.username, OPERATOR.password);
    admin = await server.loginAdmin();

    const stored = new Map(
      queryDb<{ id: string; text: string }>(server, "SELECT id, text FROM messages WHERE text LIKE 'Ráfaga %'").map(
        (m) => [m.text, m.id],
      ),
    );
    for (const text of answered) expect(stored.has(text)).toBe(true);

    const expected = (name: string): DeliveryState => (name === 'alfa' ? 'read' : 'delivered');
    const settled = async () => {
      for (const [text, id] of stored) {
        const now = await states(id);
        for (const name of running) if (pc(name).shown(text) < 1 || now[name] !== expected(name)) return false;
      }
      return true;
    };
    expect(await poll(settled, (done) => done, 30_000)).toBe(true);
    await sleep(ACK_TIMEOUT_SECONDS * 1000 + 1000); // any resend would have landed by now

    for (const name of running) {
      for (const text of texts)
        expect([name, text, pc(name).shown(text)]).toEqual([name, text, stored.has(text) ? 1 : 0]);
    }
    for (const [, id] of stored) {
      const now = await deliveries(id);
      for (const name of running) {
        expect(now[name]).toMatchObject({ state: expected(name), deliveredAt: expect.stringMatching(ISO) });
      }
      for (const name of offline) expect(now[name].state).toBe('queued');
    }
    for (const name of running) {
      expect((await connections(name)).map((c) => c.endReason)).toContain('server restart');
      expect(await site(name)).toMatchObject({ online: true });
    }
  });
});
