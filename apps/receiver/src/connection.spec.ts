import { jest } from '@jest/globals';
import type { EventEmitter } from 'node:events';
import type { ReceiptPayload } from '@avisa/contracts';
import { Backoff } from './backoff';
import { ReceiverConfig } from './config';
import { ConnectionEvents, describeConnectError, ReceiverConnection, ReceiverSocket } from './connection';
import { FakeClock, MemoryLogger } from '../test/utils';

type Listener = (...args: unknown[]) => void;

/** Just enough of socket.io-client's Socket for the connection loop. */
class FakeSocket {
  connected = false;
  readonly listeners = new Map<string, Listener[]>();
  readonly emitted: { event: string; payload: unknown; ack: Listener }[] = [];

  constructor(
    readonly url: string,
    readonly options: Record<string, unknown>,
  ) {}

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }
  disconnect(): this {
    this.connected = false;
    return this;
  }
  timeout(): { emit: (event: string, payload: unknown, ack: Listener) => void } {
    return { emit: (event, payload, ack) => this.emitted.push({ event, payload, ack }) };
  }
  fire(event: string, ...args: unknown[]): void {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

const baseConfig: ReceiverConfig = {
  configPath: '/etc/avisa/avisa-receiver.json',
  serverUrl: 'https://avisa.example.org:8443',
  name: 'farmacia-centro',
  key: 'the-key',
  caPath: '/etc/avisa/server.crt',
  ca: '-----BEGIN CERTIFICATE-----',
  dataDir: '/var/lib/avisa',
  logDir: '/var/log/avisa',
  notifyCommand: null,
  sound: true,
  reconnect: { minMs: 1000, maxMs: 180_000 },
};

const refusal = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`refused: ${code}`), { data: { code, ...extra } });

/**
 * Each socket the loop creates is handed to `script`, which plays the server's side; the loop's waits are
 * recorded instead of slept, and the loop stops after `attempts` sockets.
 */
function setup(
  script: (socket: FakeSocket, index: number) => void,
  attempts: number,
  configs?: (() => ReceiverConfig)[],
  options: { realSleep?: boolean } = {},
) {
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const sockets: FakeSocket[] = [];
  const waits: number[] = [];
  const seen: string[] = [];
  const events: ConnectionEvents = {
    onAttempt: (config) => seen.push(`attempt ${config.serverUrl}`),
    onConnected: () => seen.push('connected'),
    onWelcome: () => seen.push('welcome'),
    onAlert: (payload) => seen.push(`alert ${JSON.stringify(payload)}`),
    onRetract: () => seen.push('retract'),
    onDisconnected: (error) => seen.push(`disconnected ${error}`),
  };
  let loads = 0;
  const sut: ReceiverConnection = new ReceiverConnection(
    {
      loadConfig: () => (configs ? configs[Math.min(loads++, configs.length - 1)]() : baseConfig),
      createSocket: (url, options) => {
        const socket = new FakeSocket(url, options as Record<string, unknown>);
        sockets.push(socket);
        const index = sockets.length - 1;
        queueMicrotask(() => script(socket, index));
        if (sockets.length >= attempts) queueMicrotask(() => sut.stop());
        return socket as unknown as ReceiverSocket;
      },
      backoff: new Backoff({ baseMs: 1000, capMs: 180_000 }, () => 1),
      clock,
      logger,
      clientVersion: '1.2.3',
      events,
      sleep: options.realSleep
        ? undefined
        : async (ms) => {
            waits.push(ms);
            clock.advance(ms);
          },
    },
    baseConfig,
  );
  return { sut, sockets, waits, seen, logger, clock };
}

describe('ReceiverConnection', () => {
  it('connects to the namespace over websocket only, verifying the certificate, with the handshake auth', async () => {
    const { sut, sockets } = setup(() => {}, 1);
    await sut.run();
    expect(sockets[0].url).toBe('https://avisa.example.org:8443/receivers');
    expect(sockets[0].options).toMatchObject({
      transports: ['websocket'],
      reconnection: false,
      ca: '-----BEGIN CERTIFICATE-----',
      rejectUnauthorized: true,
      auth: { name: 'farmacia-centro', key: 'the-key', clientVersion: '1.2.3', protocol: 1 },
    });
  });

  it('passes the server events on', async () => {
    const { sut, seen } = setup((socket) => {
      socket.fire('connect');
      socket.fire('welcome', { name: 'x', displayName: 'X', serverTime: '', protocol: 1, pending: 1 });
      socket.fire('alert', { id: 'a1' });
      socket.fire('retract', { id: 'a1' });
    }, 1);
    await sut.run();
    expect(seen).toEqual([
      'attempt https://avisa.example.org:8443',
      'connected',
      'welcome',
      'alert {"id":"a1"}',
      'retract',
    ]);
  });

  it('keeps retrying with growing waits after refusals, never giving up', async () => {
    const codes = ['invalid_credentials', 'already_connected', 'disabled', 'invalid_credentials', 'already_connected'];
    const { sut, waits, logger } = setup(
      (socket, n) => socket.fire('connect_error', refusal(codes[n] ?? 'bad_request')),
      6,
    );
    await sut.run();
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(logger.lines.filter((l) => l.startsWith('error')).join('\n')).toContain('(invalid_credentials)');
    expect(logger.lines.join('\n')).not.toContain('the-key');
  });

  it('gives a busy server longer after each time-out, up to 80 s, and 20 s again once connected or refused', async () => {
    const { sut, sockets } = setup((socket, n) => {
      if (n === 4) {
        socket.fire('connect');
        socket.fire('disconnect', 'transport close');
      } else if (n === 6) {
        socket.fire('connect_error', refusal('already_connected'));
      } else {
        socket.fire('connect_error', new Error('timeout'));
      }
    }, 8);
    await sut.run();
    // Socket.IO's limit is the whole handshake: the time to reach the server plus a minute once reached.
    expect(sockets.map((s) => s.options.timeout)).toEqual(
      [20_000, 40_000, 80_000, 80_000, 80_000, 20_000, 40_000, 20_000].map((ms) => ms + 60_000),
    );
  });

  describe("on jest's fake timers", () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] }));
    afterEach(() => jest.useRealTimers());

    it('gives up after 20 s when the server was not reached, and waits for a busy one that accepted the connection', async () => {
      const { sut, sockets, seen } = setup((socket, n) => {
        // The second attempt reaches the server's machine (TCP accepted); its handshakes then take 50 s.
        if (n === 1) (socket.options.agent as EventEmitter).emit('reached');
      }, 3);
      const running = sut.run();
      await jest.advanceTimersByTimeAsync(20_000);
      expect(seen).toContain('disconnected timeout');
      expect(sockets).toHaveLength(2);
      expect(sockets[1].options.timeout).toBe(40_000 + 60_000);
      await jest.advanceTimersByTimeAsync(50_000);
      expect(seen.filter((e) => e === 'disconnected timeout')).toHaveLength(1);
      sockets[1].fire('connect');
      expect(seen).toContain('connected');
      sut.stop();
      await running;
    });
  });

  it('waits at least as long as the server asks after too_many_attempts', async () => {
    const { sut, waits } = setup(
      (socket) => socket.fire('connect_error', refusal('too_many_attempts', { retryAfterSeconds: 300 })),
      2,
    );
    await sut.run();
    expect(waits).toEqual([300_000]);
  });

  it('re-reads the config before every attempt and keeps the last valid one when the file is broken', async () => {
    const moved = { ...baseConfig, serverUrl: 'https://new.example.org' };
    const broken = () => {
      throw new Error('Invalid configuration: "serverUrl" must start with https://');
    };
    const { sut, sockets, logger } = setup((socket) => socket.fire('connect_error', new Error('timeout')), 3, [
      () => baseConfig,
      () => moved,
      broken,
    ]);
    await sut.run();
    expect(sockets.map((s) => s.url)).toEqual([
      'https://avisa.example.org:8443/receivers',
      'https://new.example.org/receivers',
      'https://new.example.org/receivers',
    ]);
    expect(logger.lines.join('\n')).toContain('keeping the last valid configuration');
  });

  it('logs why the server cut the connection when it says so first', async () => {
    const { sut, seen, logger } = setup((socket) => {
      socket.fire('connect');
      socket.fire('disconnect_reason', { code: 'key_changed', message: 'its key was changed' });
      socket.fire('disconnect', 'io server disconnect');
    }, 2);
    await sut.run();
    expect(logger.lines).toContain('error The server disconnected this site: its key was changed');
    expect(seen).toContain('disconnected the server disconnected this site: its key was changed');
  });

  it('applies an edited config at once: a wait for the next retry is cut short and the new key is used', async () => {
    const edited = { ...baseConfig, key: 'the-new-key' };
    let file = baseConfig;
    const { sut, sockets, logger } = setup(
      (socket) => socket.fire('connect_error', refusal('invalid_credentials')),
      2,
      [() => file],
      { realSleep: true },
    );
    const running = sut.run();
    // The first refusal leaves the loop waiting 1 s; unchanged, the file changes nothing.
    await new Promise((done) => setImmediate(done));
    expect(sut.applyConfigChange()).toBe(baseConfig);
    expect(sockets).toHaveLength(1);
    file = edited;
    expect(sut.applyConfigChange()).toBe(edited);
    await running;
    expect(sockets.map((s) => (s.options.auth as { key: string }).key)).toEqual(['the-key', 'the-new-key']);
    expect(logger.lines).toContain('info Configuration changed; connecting again now');
  });

  it('starts the backoff over only after a connection that lasted', async () => {
    const { sut, waits, clock } = setup((socket, n) => {
      if (n === 0 || n === 1) return socket.fire('connect_error', new Error('websocket error'));
      socket.fire('connect');
      clock.advance(n === 2 ? 60_000 : 1000);
      socket.fire('disconnect', 'transport close');
    }, 5);
    await sut.run();
    expect(waits).toEqual([1000, 2000, 1000, 2000]);
  });

  it('acks receipts: ok, refused, no answer, offline', async () => {
    let socket: FakeSocket | undefined;
    const { sut } = setup((s) => {
      socket = s;
      s.fire('connect');
    }, 99);
    const running = sut.run();
    await new Promise((done) => setImmediate(done));
    const receipt: ReceiptPayload = { id: 'a1', state: 'delivered', at: '2026-11-22T10:00:00.000Z' };
    const answers = [sut.sendReceipt(receipt), sut.sendReceipt(receipt), sut.sendReceipt(receipt)];
    expect(socket!.emitted.map((e) => e.event)).toEqual(['receipt', 'receipt', 'receipt']);
    socket!.emitted[0].ack(null, { ok: true });
    socket!.emitted[1].ack(null, { ok: false, error: 'unknown alert' });
    socket!.emitted[2].ack(new Error('operation has timed out'));
    expect(await Promise.all(answers)).toEqual(['acked', 'refused', 'unsent']);
    sut.stop();
    await running;
    expect(await sut.sendReceipt(receipt)).toBe('unsent');
  });
});

describe('describeConnectError', () => {
  it('reads the server refusal code and the transport cause', () => {
    expect(describeConnectError(refusal('too_many_attempts', { retryAfterSeconds: 60 }))).toEqual({
      text: 'refused by the server (too_many_attempts): refused: too_many_attempts',
      code: 'too_many_attempts',
      retryAfterMs: 60_000,
    });
    const tls = Object.assign(new Error('websocket error'), {
      description: { error: new Error('self-signed certificate') },
    });
    expect(describeConnectError(tls)).toEqual({
      text: 'websocket error: self-signed certificate',
      code: null,
      retryAfterMs: null,
    });
  });

  it("names the ca file when the server's certificate does not check against it", () => {
    const cause = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const tls = Object.assign(new Error('websocket error'), { description: cause });
    expect(describeConnectError(tls, '/etc/avisa-receiver/server.crt').text).toBe(
      'websocket error: self-signed certificate ' +
        `(the server's certificate is not the one in the "ca" file /etc/avisa-receiver/server.crt, nor signed by it)`,
    );
    const refused = Object.assign(new Error('websocket error'), { description: { error: new Error('ECONNREFUSED') } });
    expect(describeConnectError(refused, '/etc/avisa-receiver/server.crt').text).toBe('websocket error: ECONNREFUSED');
  });
});
