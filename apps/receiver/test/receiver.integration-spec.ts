/* eslint-disable no-restricted-properties -- the test hands its PATH on to the processes it starts */
import type { AlertPayload, ReceiptPayload, ReceiverHandshakeAuth } from '@avisa/contracts';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { generate } from 'selfsigned';
import { Server } from 'socket.io';

/**
 * The built receiver as a real process against a small real Socket.IO server over HTTPS that speaks the receivers'
 * protocol; the desktop notifier is replaced by test/fixtures/record-notify.mjs, which clicks 2.5 s after showing.
 * The steps run in order and share one receiver.
 */
const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/receiver/bin/avisa-receiver.js');
const RECORDER = join(ROOT, 'apps/receiver/test/fixtures/record-notify.mjs');
const KEY = 'site-key-9f8e7d6c5b4a';
const CLICK_AFTER_MS = 2500;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** What the receiver printed, added to a timeout's message. */
let receiverOutput = () => '';

async function waitFor<T>(read: () => T, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(value)}\n${receiverOutput()}`);
    }
    await sleep(50);
  }
}

interface Tls {
  cert: string;
  key: string;
}

async function selfSigned(): Promise<Tls> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A stand-in for the Avisa server's /receivers namespace that records what the receiver sends. */
class ProtocolServer {
  readonly handshakes: ReceiverHandshakeAuth[] = [];
  readonly receipts: ReceiptPayload[] = [];
  connections = 0;
  /** Refusal codes for the next handshakes, as the real gateway sends them. */
  readonly refusals: string[] = [];

  private constructor(private readonly io: Server) {}

  static async start(tls: Tls, port = 0, shared?: ProtocolServer): Promise<ProtocolServer> {
    const https = createServer({ cert: tls.cert, key: tls.key });
    const io = new Server(https, { transports: ['websocket'] });
    const server = new ProtocolServer(io);
    const record = shared ?? server;
    const receivers = io.of('/receivers');
    receivers.use((socket, next) => {
      record.handshakes.push(socket.handshake.auth as ReceiverHandshakeAuth);
      const code = record.refusals.shift();
      next(code ? Object.assign(new Error(code.replace('_', ' ')), { data: { code } }) : undefined);
    });
    receivers.on('connection', (socket) => {
      record.connections++;
      const { name } = socket.handshake.auth as ReceiverHandshakeAuth;
      socket.emit('welcome', {
        name,
        displayName: 'Farmacia Centro',
        serverTime: new Date().toISOString(),
        protocol: 1,
        pending: 0,
      });
      socket.on('receipt', (payload: ReceiptPayload, ack: (answer: { ok: true }) => void) => {
        record.receipts.push(payload);
        ack({ ok: true });
      });
    });
    await new Promise<void>((done) => https.listen(port, '127.0.0.1', done));
    return shared ? Object.assign(shared, { io }) : server;
  }

  get port(): number {
    return (this.io.httpServer.address() as AddressInfo).port;
  }

  get connected(): number {
    return this.io.of('/receivers').sockets.size;
  }

  sendAlert(alert: AlertPayload): void {
    this.io.of('/receivers').emit('alert', alert);
  }

  receiptsFor(id: string, state: ReceiptPayload['state']): ReceiptPayload[] {
    return this.receipts.filter((r) => r.id === id && r.state === state);
  }

  stop(): Promise<void> {
    return new Promise((done) => this.io.close(() => done()));
  }
}

function readJsonFile<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

class ReceiverProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  /** `machine`: which machine it runs on (AVISA_RECEIVER_MACHINE_LOCK); by default one of its own per folder. */
  static start(dir: string, args: string[] = [], machine = `avisa-test-${basename(dir)}`): ReceiverProcess {
    const child = spawn(process.execPath, [BIN, '--config', join(dir, 'avisa-receiver.json'), ...args], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        RECORD_NOTIFY_FILE: join(dir, 'notifications.jsonl'),
        RECORD_NOTIFY_CLICK_AFTER_MS: String(CLICK_AFTER_MS),
        AVISA_RECEIVER_MACHINE_LOCK: machine,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ReceiverProcess(child, dir);
  }

  get text(): string {
    return this.output.join('');
  }

  notifications(): string[][] {
    const file = join(this.dir, 'notifications.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
  }
}

function runCli(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args, '--config', join(dir, 'avisa-receiver.json')],
      { env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const alertA: AlertPayload = {
  id: 'alert-a',
  text: 'Actualizad el TPV antes de las 14:00',
  priority: 'urgent',
  sender: 'Soporte',
  sentAt: new Date().toISOString(),
  expiresAt: null,
  reminder: 0,
};
const alertB: AlertPayload = { ...alertA, id: 'alert-b', text: 'Nueva circular', priority: 'normal' };

describe('avisa-receiver (built, as a real process)', () => {
  let dir: string;
  let tls: Tls;
  let server: ProtocolServer;
  let receiver: ReceiverProcess;
  let config: Record<string, unknown>;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/receiver/apps/receiver/src/main.js'))) {
      throw new Error('Build the receiver first: npm run build:receiver');
    }
    dir = mkdtempSync(join(tmpdir(), 'avisa-receiver-it-'));
    tls = await selfSigned();
    writeFileSync(join(dir, 'server.crt'), tls.cert);
    server = await ProtocolServer.start(tls);
    server.refusals.push('already_connected');
    config = {
      serverUrl: `https://127.0.0.1:${server.port}`,
      name: 'farmacia-centro',
      key: KEY,
      ca: 'server.crt',
      dataDir: 'data',
      logDir: 'logs',
      notifyCommand: RECORDER,
      // The default waits grow to 3 minutes; while the server is down for a step, a full-jitter draw could reach
      // 30 s after a few quick refusals. Short bounds keep each step's wait well inside its time-out.
      reconnect: { minMs: 200, maxMs: 1000 },
    };
    writeFileSync(join(dir, 'avisa-receiver.json'), JSON.stringify(config, null, 2));
    receiver = ReceiverProcess.start(dir);
    receiverOutput = () => `receiver (exit code ${receiver.child.exitCode}) printed:\n${receiver.text}`;
  });

  afterAll(async () => {
    receiver?.child.kill('SIGKILL');
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects over WSS with the handshake auth fields, retrying after a refusal', async () => {
    await waitFor(
      () => server.connected,
      (n) => n === 1,
      'the connection',
    );
    expect(server.handshakes).toHaveLength(2);
    for (const auth of server.handshakes) {
      expect(auth).toEqual({ name: 'farmacia-centro', key: KEY, clientVersion: 'avisa-receiver/0.1.0', protocol: 1 });
    }
    expect(receiver.text).toContain('refused by the server (already_connected)');
  });

  it('says it is connected in status.json and through the status command', async () => {
    const status = await waitFor(
      () => readFileSync(join(dir, 'data/status.json'), 'utf8'),
      (text) => text.includes('"Farmacia Centro"'),
      'status.json after welcome',
    );
    expect(JSON.parse(status)).toMatchObject({ state: 'connected', pid: receiver.child.pid });
    const cli = await runCli(dir, ['status']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('avisa-receiver connected');
    expect(cli.stdout).toContain(`https://127.0.0.1:${server.port}`);
  });

  it('refuses a second instance on the same machine', async () => {
    const second = ReceiverProcess.start(dir);
    expect(await second.exited).toBe(2);
    expect(second.text).toContain(
      `Another avisa-receiver is already running on this machine (PID ${receiver.child.pid}`,
    );
  });

  it('refuses a second copy on the same machine with its own config and data folder, at start', async () => {
    const other = mkdtempSync(join(tmpdir(), 'avisa-receiver-it-other-'));
    try {
      writeFileSync(join(other, 'server.crt'), tls.cert);
      writeFileSync(
        join(other, 'avisa-receiver.json'),
        JSON.stringify({ ...config, name: 'farmacia-otra', dataDir: 'data', logDir: 'logs' }),
      );
      const second = ReceiverProcess.start(other, [], `avisa-test-${basename(dir)}`);
      expect(await second.exited).toBe(2);
      expect(second.text).toContain(
        `Another avisa-receiver is already running on this machine (PID ${receiver.child.pid}`,
      );
      expect(server.handshakes.filter((h) => h.name === 'farmacia-otra')).toEqual([]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("names the config's ca file when the server's certificate does not check against it", async () => {
    const other = mkdtempSync(join(tmpdir(), 'avisa-receiver-it-ca-'));
    const stranger = await selfSigned();
    writeFileSync(join(other, 'server.crt'), stranger.cert);
    writeFileSync(join(other, 'avisa-receiver.json'), JSON.stringify({ ...config, name: 'farmacia-ca' }));
    const wrongCa = ReceiverProcess.start(other);
    try {
      const status = await waitFor(
        () => readJsonFile<{ lastError?: string | null }>(join(other, 'data/status.json'))?.lastError ?? '',
        (error) => error.length > 0,
        'a connection error in status.json',
      );
      expect(status).toContain(`the "ca" file ${join(other, 'server.crt')}`);
      expect(server.handshakes.filter((h) => h.name === 'farmacia-ca')).toEqual([]);
    } finally {
      wrongCa.child.kill('SIGKILL');
      await wrongCa.exited;
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('shows an alert once and sends delivered', async () => {
    server.sendAlert(alertA);
    await waitFor(
      () => server.receiptsFor('alert-a', 'delivered').length,
      (n) => n >= 1,
      'delivered for A',
    );
    const shown = receiver.notifications();
    expect(shown).toHaveLength(1);
    expect(shown[0].slice(0, 2)).toEqual(['URGENTE — Soporte', 'Actualizad el TPV antes de las 14:00']);
    expect(shown[0]).toEqual(expect.arrayContaining(['--urgency', 'critical', '--expire-time', '0']));
  });

  it('does not show the same alert id again but re-sends its receipt', async () => {
    const before = server.receiptsFor('alert-a', 'delivered');
    server.sendAlert(alertA);
    const after = await waitFor(
      () => server.receiptsFor('alert-a', 'delivered'),
      (list) => list.length > before.length,
      're-sent delivered for A',
    );
    expect(after[after.length - 1].at).toBe(before[0].at);
    expect(receiver.notifications()).toHaveLength(1);
  });

  it('sends read after the notification is clicked', async () => {
    const [read] = await waitFor(
      () => server.receiptsFor('alert-a', 'read'),
      (list) => list.length === 1,
      'read for A',
    );
    expect(Date.parse(read.at)).toBeGreaterThan(Date.parse(server.receiptsFor('alert-a', 'delivered')[0].at));
  });

  it('shows nothing twice after being killed and restarted', async () => {
    receiver.child.kill('SIGKILL');
    await receiver.exited;
    receiver = ReceiverProcess.start(dir);
    await waitFor(
      () => [server.handshakes.length, server.connections, server.connected],
      ([handshakes, connections, connected]) => handshakes === 3 && connections === 2 && connected === 1,
      'the new connection (and the old one gone) after restart',
    );
    const delivered = server.receiptsFor('alert-a', 'delivered').length;
    const read = server.receiptsFor('alert-a', 'read').length;

    server.sendAlert(alertA);
    server.sendAlert({ ...alertA, reminder: 1 });
    await waitFor(
      () => [server.receiptsFor('alert-a', 'delivered').length, server.receiptsFor('alert-a', 'read').length],
      ([d, r]) => d > delivered && r > read,
      'receipts for A repeated after restart',
    );
    await sleep(300);
    expect(receiver.notifications()).toHaveLength(1);
  });

  it('keeps receipts made while the server is down and sends them when it is back', async () => {
    const port = server.port;
    server.sendAlert(alertB);
    await waitFor(
      () => server.receiptsFor('alert-b', 'delivered').length,
      (n) => n === 1,
      'delivered for B',
    );
    expect(receiver.notifications()[1][0]).toBe('Aviso — Soporte');
    await server.stop();

    const outbox = await waitFor(
      () => (existsSync(join(dir, 'data/outbox.json')) ? readFileSync(join(dir, 'data/outbox.json'), 'utf8') : ''),
      (text) => text.includes('"read"'),
      'the read receipt for B queued on disk',
    );
    expect(JSON.parse(outbox)).toEqual([expect.objectContaining({ id: 'alert-b', state: 'read' })]);
    expect(server.receiptsFor('alert-b', 'read')).toHaveLength(0);

    server = await ProtocolServer.start(tls, port, server);
    await waitFor(
      () => server.receiptsFor('alert-b', 'read').length,
      (n) => n === 1,
      'read for B after reconnecting',
      25_000,
    );
    await waitFor(
      () => readFileSync(join(dir, 'data/outbox.json'), 'utf8'),
      (text) => JSON.parse(text).length === 0,
      'the outbox emptied once acked',
    );
  });

  it('stops cleanly on SIGTERM: lock removed, state written, key never logged', async () => {
    receiver.child.kill('SIGTERM');
    expect(await receiver.exited).toBe(0);
    expect(existsSync(join(dir, 'data/avisa-receiver.lock'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'data/status.json'), 'utf8'))).toMatchObject({ state: 'stopped' });
    const cli = await runCli(dir, ['status']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('is not running');

    const logs = readdirSync(join(dir, 'logs')).filter((f) => f.endsWith('.log'));
    expect(logs).toHaveLength(1);
    // Not readable by other users of the PC: the folder is the receiver's own, and so is each file.
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'logs', logs[0])).mode & 0o777).toBe(0o600);
    const log = readFileSync(join(dir, 'logs', logs[0]), 'utf8');
    expect(log).toContain('Alert alert-a from Soporte (urgent); showing it');
    expect(log).not.toContain(KEY);
    expect(receiver.text).not.toContain(KEY);
  });
});
