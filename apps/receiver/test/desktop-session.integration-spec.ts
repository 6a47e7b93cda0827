/* eslint-disable no-restricted-properties -- the test hands its PATH on to the processes it starts */
import type { DeliveryResponse, DeliveryState, Priority, SendMessageResponse } from '@avisa/contracts';
import { ChildProcess, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { TestServer } from '../../../e2e/support/server';
import {
  childrenOf,
  DESKTOP_PACKAGES,
  missingDesktopCommands,
  Display,
  Dunst,
  running,
  SessionBus,
  startProcess,
  stopAll,
  stopProcess,
  waitFor,
} from './desktop';

/**
 * The built receiver on a Linux desktop made of real parts: the built Avisa server, a D-Bus session bus, an X display
 * (Xvfb) and the dunst notification daemon from Debian. What is checked is what a person would check: the receipt
 * state the server stored, what dunst shows and keeps in its history, the receiver's `status` and log.
 */
const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/receiver/bin/avisa-receiver.js');
const NO_SESSION = 'no desktop session to show alerts';

interface StatusFile {
  state: string;
  desktop: { state: string; reason: string | null; waitingAlerts: number };
}

/** One site PC: its folder (config, data, logs, an XDG_RUNTIME_DIR of its own) and its receiver process. */
class SitePc {
  readonly dir: string;
  readonly runtimeDir: string;
  process: ChildProcess | null = null;
  private output: string[] = [];

  constructor(
    readonly name: string,
    key: string,
    server: TestServer,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `avisa-desktop-${name}-`));
    this.runtimeDir = join(this.dir, 'run');
    mkdirSync(this.runtimeDir, { mode: 0o700 });
    const config = {
      serverUrl: server.baseUrl,
      name,
      key,
      ca: server.path('certs', 'server.crt'),
      dataDir: 'data',
      logDir: 'logs',
      reconnect: { minMs: 200, maxMs: 1000 },
    };
    writeFileSync(join(this.dir, 'avisa-receiver.json'), JSON.stringify(config), { mode: 0o600 });
  }

  /** With no DBUS_SESSION_BUS_ADDRESS the receiver looks for `<runtimeDir>/bus`, as for /run/user/<uid>/bus. */
  start(env: Record<string, string> = {}): ChildProcess {
    this.output = [];
    const child = startProcess(process.execPath, [BIN, '--config', join(this.dir, 'avisa-receiver.json')], {
      HOME: this.dir,
      XDG_RUNTIME_DIR: this.runtimeDir,
      AVISA_RECEIVER_MACHINE_LOCK: `avisa-test-${basename(this.dir)}`,
      ...env,
    });
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.process = child;
    return child;
  }

  get pid(): number {
    return this.process!.pid!;
  }

  /** SIGTERM, as the service manager stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const child = this.process!;
    if (!running(child)) return child.exitCode;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    return exited;
  }

  /** A crash: no chance to save anything. */
  async kill(): Promise<void> {
    const child = this.process!;
    if (!running(child)) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  status(): StatusFile | null {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'data', 'status.json'), 'utf8')) as StatusFile;
    } catch {
      return null;
    }
  }

  outbox(): unknown[] {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'data', 'outbox.json'), 'utf8')) as unknown[];
    } catch {
      return [];
    }
  }

  log(): string {
    const dir = join(this.dir, 'logs');
    if (!existsSync(dir)) return '';
    return readdirSync(dir)
      .filter((file) => file.endsWith('.log'))
      .sort()
      .map((file) => readFileSync(join(dir, file), 'utf8'))
      .join('');
  }

  /** `avisa-receiver status`, as run by someone at the site. */
  statusCommand(): Promise<string> {
    return new Promise((done) =>
      execFile(
        process.execPath,
        [BIN, 'status', '--config', join(this.dir, 'avisa-receiver.json')],
        { env: { PATH: process.env.PATH ?? '' } },
        (_error, stdout) => done(stdout),
      ),
    );
  }

  get text(): string {
    return `receiver ${this.name} printed:\n${this.output.join('').slice(-4000)}`;
  }
}

describe('the receiver on a Linux desktop: D-Bus session bus, Xvfb and dunst', () => {
  let server: TestServer;
  let admin: string;
  const folders: string[] = [];

  const site = async (name: string): Promise<SitePc> => {
    const response = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name } });
    expect(response.status).toBe(201);
    const pc = new SitePc(name, response.body.key as string, server);
    folders.push(pc.dir);
    return pc;
  };

  const scratch = (name: string): string => {
    const dir = mkdtempSync(join(tmpdir(), `avisa-desktop-${name}-`));
    folders.push(dir);
    return dir;
  };

  const send = async (name: string, text: string, priority: Priority): Promise<string> => {
    const response = await server.api<SendMessageResponse>('POST', '/api/v1/messages', {
      token: admin,
      body: { target: { kind: 'receiver', name }, text, priority },
    });
    expect(response.status).toBe(201);
    expect(response.body.online).toEqual([name]);
    return response.body.id;
  };

  const delivery = async (id: string, name: string): Promise<DeliveryResponse> => {
    const response = await server.api('GET', `/api/v1/messages/${id}`, { token: admin });
    expect(response.status).toBe(200);
    return (response.body.deliveries as DeliveryResponse[]).find((d) => d.receiver === name)!;
  };

  const waitState = (id: string, pc: SitePc, state: DeliveryState) =>
    waitFor(
      () => delivery(id, pc.name),
      (d) => d.state === state,
      `${state} for ${id} at ${pc.name}`,
      () => pc.text,
    );

  const waitConnected = (pc: SitePc) =>
    waitFor(
      () => pc.status()?.state,
      (state) => state === 'connected',
      `${pc.name} connected`,
      () => pc.text,
    );

  const waitLogged = (pc: SitePc, text: string) =>
    waitFor(
      () => pc.log(),
      (log) => log.includes(text),
      `"${text}" in the log of ${pc.name}`,
      () => pc.text,
    );

  /** The server resent the alert after its acknowledgement timeout, and it is still not delivered. */
  const waitResentUnconfirmed = async (id: string, pc: SitePc) => {
    const resent = await waitFor(
      () => delivery(id, pc.name),
      (d) => d.attempts >= 2,
      `a resend of ${id}`,
      () => pc.text,
    );
    expect(resent).toMatchObject({ state: 'sent', deliveredAt: null, readAt: null });
  };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/receiver/apps/receiver/src/main.js'))) {
      throw new Error('Build the receiver first: npm run build:receiver');
    }
    const missing = missingDesktopCommands();
    if (missing.length > 0) {
      throw new Error(`${missing.join(', ')} not found: apt-get install -y ${DESKTOP_PACKAGES}`);
    }
    server = await TestServer.start({
      env: {
        AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: '2',
        AVISA_URGENT_MAX_REMINDERS: '0',
        AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000',
      },
    });
    admin = await server.loginAdmin();
  });

  afterAll(async () => {
    await stopAll();
    await server?.dispose();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('with no session bus yet (started before anyone logged in), an alert waits unconfirmed and is shown once the session appears', async () => {
    const pc = await site('antes-del-login');
    pc.start();
    await waitConnected(pc);
    const status = await waitFor(
      () => pc.status()?.desktop,
      (d) => d?.state === 'unavailable',
      'the desktop reported unavailable',
      () => pc.text,
    );
    expect(status!.reason).toBe(
      `no session bus: DBUS_SESSION_BUS_ADDRESS is not set and ${pc.runtimeDir}/bus does not exist`,
    );
    expect(await pc.statusCommand()).toContain(`Notifications:      ${NO_SESSION} (no session bus`);

    const text = 'Antes del login: revisad la caja';
    const id = await send(pc.name, text, 'urgent');
    await waitResentUnconfirmed(id, pc);
    expect(pc.status()!.desktop.waitingAlerts).toBe(1);
    expect(pc.log()).toContain(`Alert ${id} waits: ${NO_SESSION}`);
    expect(await pc.statusCommand()).toContain('1 alert(s) waiting to be shown');
    expect(childrenOf(pc.pid)).toEqual([]);

    // The person logs in: the session bus appears at <runtime dir>/bus, then the display and dunst.
    const desktop = scratch('login');
    const bus = await SessionBus.start(desktop, { socket: join(pc.runtimeDir, 'bus') });
    const display = await Display.start();
    const dunst = await Dunst.start(desktop, bus, display);
    const delivered = await waitState(id, pc, 'delivered');
    expect(delivered.readAt).toBeNull();
    expect(await dunst.displayed()).toBe(1);
    expect(pc.status()!.desktop).toMatchObject({ state: 'available', waitingAlerts: 0 });

    await dunst.leftClick();
    await waitState(id, pc, 'read');
    const [entry] = await dunst.history();
    expect(entry).toMatchObject({ appname: 'Avisa', body: text, summary: expect.stringMatching(/^URGENTE — /) });
    expect(await dunst.displayed()).toBe(0);

    expect(await pc.stop()).toBe(0);
    await dunst.stop();
    await display.stop();
    await bus.stop();
  });

  it('with a session bus but no notification service, an alert waits and is shown as soon as dunst starts; its expiry is no read', async () => {
    const desktop = scratch('sin-servicio');
    const bus = await SessionBus.start(desktop, { socket: join(desktop, 'bus') });
    const pc = await site('sin-servicio');
    pc.start({ DBUS_SESSION_BUS_ADDRESS: bus.address });
    await waitConnected(pc);
    await waitFor(
      () => pc.status()?.desktop,
      (d) => d?.reason === 'no notification service on the session bus',
      'the desktop reported without a notification service',
      () => pc.text,
    );

    const text = 'Circular: nuevos horarios';
    const id = await send(pc.name, text, 'normal');
    await waitResentUnconfirmed(id, pc);
    expect(pc.log()).toContain(`${NO_SESSION[0].toUpperCase()}${NO_SESSION.slice(1)} (no notification service`);

    const display = await Display.start();
    const dunst = await Dunst.start(desktop, bus, display);
    await waitState(id, pc, 'delivered');
    await waitLogged(pc, `Alert ${id}: notification ended (timeout), not counted as read`);
    expect(await dunst.history()).toEqual([
      expect.objectContaining({ body: text, summary: expect.stringMatching(/^Aviso — /) }),
    ]);
    await waitFor(
      () => pc.outbox(),
      (o) => o.length === 0,
      'every receipt acknowledged',
    );
    expect(await delivery(id, pc.name)).toMatchObject({ state: 'delivered', readAt: null });

    expect(await pc.stop()).toBe(0);
    await dunst.stop();
    await display.stop();
    await bus.stop();
  });

  it('with a notification service that cannot start (no display), an alert waits and no process is left behind', async () => {
    const desktop = scratch('sin-pantalla');
    const bus = await SessionBus.start(desktop, { socket: join(desktop, 'bus'), activatableDunst: true });
    const pc = await site('sin-pantalla');
    pc.start({ DBUS_SESSION_BUS_ADDRESS: bus.address });
    await waitConnected(pc);
    const status = await waitFor(
      () => pc.status()?.desktop,
      (d) => d?.state === 'unavailable',
      'the desktop reported unavailable',
      () => pc.text,
    );
    expect(status!.reason).toMatch(/^the notification service could not start: /);

    const id = await send(pc.name, 'Sin pantalla: no debe darse por entregado', 'urgent');
    await waitResentUnconfirmed(id, pc);
    expect(childrenOf(pc.pid)).toEqual([]);
    // The bus started dunst for the receiver's calls; without a display each one exited at once.
    await waitFor(
      () => childrenOf(bus.process.pid!),
      (children) => children.length === 0,
      'no dunst left running under the bus',
    );

    expect(await pc.stop()).toBe(0);
    expect(await delivery(id, pc.name)).toMatchObject({ state: 'sent', deliveredAt: null });
    expect(pc.status()).toMatchObject({ state: 'stopped' });
    await bus.stop();
  });

  describe('in a desktop session with dunst', () => {
    let desktop: string;
    let bus: SessionBus;
    let display: Display;
    let dunst: Dunst;
    let pc: SitePc;

    beforeAll(async () => {
      desktop = scratch('sesion');
      bus = await SessionBus.start(desktop, { socket: join(desktop, 'bus') });
      display = await Display.start();
      dunst = await Dunst.start(desktop, bus, display);
      pc = await site('escritorio');
      pc.start({ DBUS_SESSION_BUS_ADDRESS: bus.address });
      await waitConnected(pc);
    });

    afterAll(async () => {
      await stopProcess(pc.process!);
      await dunst?.stop();
      await display?.stop();
      await bus?.stop();
    });

    const acknowledged = () =>
      waitFor(
        () => pc.outbox(),
        (o) => o.length === 0,
        'every receipt acknowledged',
      );

    it('confirms an urgent alert once dunst shows it, and counts a left click (which closes it) as read', async () => {
      const id = await send(pc.name, 'Caída del sistema de recetas', 'urgent');
      await waitState(id, pc, 'delivered');
      expect(await dunst.displayed()).toBe(1);
      expect(pc.status()!.desktop).toEqual(expect.objectContaining({ state: 'available', reason: null }));
      await dunst.leftClick();
      await waitState(id, pc, 'read');
      expect(await dunst.displayed()).toBe(0);
      await waitLogged(pc, `Alert ${id} read (dismissed)`);
    });

    it('keeps two alerts with the same text apart: no read that nobody made; the default action and a dismissal are reads', async () => {
      const text = 'Reiniciad el router de la tienda';
      const first = await send(pc.name, text, 'urgent');
      await waitState(first, pc, 'delivered');
      const second = await send(pc.name, text, 'urgent');
      await waitState(second, pc, 'delivered');
      await acknowledged();
      expect(await dunst.displayed()).toBe(2);
      expect((await delivery(first, pc.name)).state).toBe('delivered');

      await dunst.action();
      await waitFor(
        async () => [(await delivery(first, pc.name)).state, (await delivery(second, pc.name)).state].sort(),
        (states) => states.join() === 'delivered,read',
        'one of the two read',
      );
      await dunst.close();
      await waitState(first, pc, 'read');
      await waitState(second, pc, 'read');
      expect(await dunst.displayed()).toBe(0);
      const closed = (await dunst.history()).filter((e) => e.body === text);
      expect(closed.map((e) => e.summary).sort()).toEqual(
        [closed[0].summary.replace(/ \(2\)$/, ''), `${closed[0].summary.replace(/ \(2\)$/, '')} (2)`].sort(),
      );
    });

    it('after a crash and restart, still hears the dismissal of an urgent alert it left on screen', async () => {
      const id = await send(pc.name, 'Retirada de lote 2291', 'urgent');
      await waitState(id, pc, 'delivered');
      expect(await dunst.displayed()).toBe(1);

      await pc.kill();
      pc.start({ DBUS_SESSION_BUS_ADDRESS: bus.address });
      await waitLogged(pc, `Alert ${id} shown again (still unread)`);
      expect(pc.log()).toContain(`Alert ${id} was on screen unread when the receiver stopped; showing it again`);
      expect(await dunst.displayed()).toBe(1);
      await waitConnected(pc);

      await dunst.close();
      await waitState(id, pc, 'read');
      expect(await dunst.displayed()).toBe(0);
    });

    it('shows an unread urgent alert again when the notification daemon is restarted', async () => {
      const text = 'Cambio de turno de guardia';
      const id = await send(pc.name, text, 'urgent');
      await waitState(id, pc, 'delivered');
      await dunst.stop();
      dunst = await Dunst.start(join(desktop, 'otra'), bus, display);
      await waitFor(
        () => dunst.displayed(),
        (n) => n === 1,
        'the alert on the new dunst',
        () => pc.text,
      );
      expect((await delivery(id, pc.name)).state).toBe('delivered');
      await dunst.leftClick();
      await waitState(id, pc, 'read');
      expect(await dunst.history()).toEqual([expect.objectContaining({ body: text })]);
    });

    it('runs no child process, and stops cleanly', async () => {
      expect(childrenOf(pc.pid)).toEqual([]);
      expect(await pc.stop()).toBe(0);
      expect(pc.status()).toMatchObject({ state: 'stopped' });
    });
  });
});
