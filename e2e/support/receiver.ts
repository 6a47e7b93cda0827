import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ROOT, type TestServer } from './server';

export const RECEIVER_BIN = join(ROOT, 'apps/receiver/bin/avisa-receiver.js');
export const RECEIVER_MAIN = join(ROOT, 'dist/apps/receiver/apps/receiver/src/main.js');
/** Stands in for notify-send: appends its arguments to $RECORD_NOTIFY_FILE, "clicks" after $RECORD_NOTIFY_CLICK_AFTER_MS. */
export const RECORDER = join(ROOT, 'apps/receiver/test/fixtures/record-notify.mjs');
/** Stands in for xdg-open (AVISA_RECEIVER_OPEN_COMMAND): appends the path it was asked to open to $RECORD_OPEN_FILE. */
export const OPEN_RECORDER = join(ROOT, 'apps/receiver/test/fixtures/record-open.mjs');
export const RECEIVER_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'apps/receiver/package.json'), 'utf8')) as { version: string }
).version;

/** Short reconnection waits (the default grows to 3 minutes), so a restarted server or a fixed key is seen at once. */
const FAST_RECONNECT = { minMs: 200, maxMs: 1000 };

/** One call of the notification command, as the person at the site would see it. */
export interface ShownNotification {
  title: string;
  text: string;
  args: string[];
}

/** The parts of the receiver's own files that the specs read. */
export interface ReceiverStatusFile {
  pid: number;
  state: string;
  name: string;
  displayName: string | null;
  lastError: string | null;
  since: string;
  nextAttemptAt: string | null;
  lastAlert: { id: string } | null;
  pendingReceipts: number;
}

export interface SeenEntry {
  id: string;
  shownAt: number | null;
  readAt: number | null;
  retracted: boolean;
}

export interface OutboxReceipt {
  id: string;
  state: string;
  at: string;
}

export interface SitePcOptions {
  /** The simulated person clicks each notification this long after it appears; without it nobody clicks. */
  clickAfterMs?: number;
  /** What the person clicks (with clickAfterMs): a quick reply's action such as `reply-1`; by default the notification. */
  answerWith?: string;
  /** The machine this PC stands for (AVISA_RECEIVER_MACHINE_LOCK); by default a machine of its own. */
  machineLock?: string;
}

const live = new Set<ReceiverProcess>();
const folders = new Set<string>();

/** A running `avisa-receiver` process; output kept for diagnostics. */
export class ReceiverProcess {
  readonly output: string[] = [];
  readonly exited: Promise<void>;

  constructor(
    readonly site: SitePc,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    live.add(this);
    this.exited = new Promise((done) =>
      child.once('exit', () => {
        live.delete(this);
        done();
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get text(): string {
    return this.output.join('');
  }

  /** SIGTERM (the receiver flushes its receipts for up to 2 s), then SIGKILL if it is still running after 5 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((done) => (timer = setTimeout(done, 5000)))]);
    clearTimeout(timer);
    if (this.running) await this.kill();
  }

  /** A crash: no chance to save anything. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * One site PC: its own folder with the receiver's config file (CA = the test server's certificate), data folder and
 * the recording of every notification shown there. Its receiver can be started, stopped, killed and restarted on the
 * same folder, as on a real machine.
 */
export class SitePc {
  readonly dir: string;
  process: ReceiverProcess | null = null;

  private constructor(
    readonly name: string,
    config: Record<string, unknown>,
    private readonly options: SitePcOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `avisa-e2e-site-${name}-`));
    folders.add(this.dir);
    this.writeConfig(config);
  }

  /** A PC for the site `name` of `server`, trusting exactly the certificate that server generated. */
  static create(server: TestServer, name: string, key: string, options: SitePcOptions = {}): SitePc {
    return new SitePc(
      name,
      {
        serverUrl: server.baseUrl,
        name,
        key,
        ca: server.path('certs', 'server.crt'),
        dataDir: 'data',
        logDir: 'logs',
        notifyCommand: RECORDER,
        reconnect: FAST_RECONNECT,
      },
      options,
    );
  }

  /** Another PC set up with this one's config (same site name and key), with its own folders. */
  copy(): SitePc {
    return new SitePc(this.name, this.config(), this.options);
  }

  get configPath(): string {
    return join(this.dir, 'avisa-receiver.json');
  }

  config(): Record<string, unknown> {
    return JSON.parse(readFileSync(this.configPath, 'utf8')) as Record<string, unknown>;
  }

  /** Rewrites the config file, as an admin editing it on the site PC would. */
  writeConfig(config: Record<string, unknown>): void {
    writeFileSync(this.configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  }

  start(): ReceiverProcess {
    if (this.process?.running) throw new Error(`the receiver of ${this.name} is already running`);
    this.process = this.spawn();
    return this.process;
  }

  private spawn(): ReceiverProcess {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      RECORD_NOTIFY_FILE: this.path('notifications.jsonl'),
      // Many site PCs share this machine: each gets its own "machine", one receiver at a time on it.
      AVISA_RECEIVER_MACHINE_LOCK: this.options.machineLock ?? `avisa-test-${basename(this.dir)}`,
      // Nothing is ever opened on the test machine: what the receiver opens is recorded.
      AVISA_RECEIVER_OPEN_COMMAND: OPEN_RECORDER,
      RECORD_OPEN_FILE: this.path('opened.jsonl'),
    };
    if (this.options.clickAfterMs !== undefined) env.RECORD_NOTIFY_CLICK_AFTER_MS = String(this.options.clickAfterMs);
    if (this.options.answerWith !== undefined) env.RECORD_NOTIFY_ACTION = this.options.answerWith;
    const child = spawn(process.execPath, [RECEIVER_BIN, '--config', this.configPath], {
      cwd: this.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ReceiverProcess(this, child);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Every notification shown on this PC, in the order the notification command was run. */
  notifications(): ShownNotification[] {
    const file = this.path('notifications.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const args = JSON.parse(line) as string[];
        return { title: args[0], text: args[1], args };
      });
  }

  /** Every file or folder the receiver opened with the "default program", in order: the arguments it was given. */
  opened(): string[][] {
    const file = this.path('opened.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
  }

  /** How many times a notification with this text was shown here. */
  shown(text: string): number {
    return this.notifications().filter((n) => n.text === text).length;
  }

  status(): ReceiverStatusFile | null {
    return readJson<ReceiverStatusFile>(this.path('data', 'status.json'));
  }

  seen(): SeenEntry[] {
    return readJson<SeenEntry[]>(this.path('data', 'seen.json')) ?? [];
  }

  outbox(): OutboxReceipt[] {
    return readJson<OutboxReceipt[]>(this.path('data', 'outbox.json')) ?? [];
  }

  /** The receiver's log files, concatenated. */
  log(): string {
    const dir = this.path('logs');
    if (!existsSync(dir)) return '';
    return readdirSync(dir)
      .filter((file) => file.endsWith('.log'))
      .sort()
      .map((file) => readFileSync(join(dir, file), 'utf8'))
      .join('');
  }

  /** `avisa-receiver status`, as run by someone at the site. */
  statusCommand(): Promise<{ code: number; stdout: string }> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [RECEIVER_BIN, 'status', '--config', this.configPath],
        { env: { PATH: process.env.PATH ?? '' } },
        (error, stdout) => done({ code: error ? Number(error.code) : 0, stdout }),
      );
    });
  }
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null; // not written yet, or being replaced
  }
}

/** Stops every receiver process still running (SIGTERM, then SIGKILL), but those `keep` accepts. */
export async function stopAllReceivers(keep: (receiver: ReceiverProcess) => boolean = () => false): Promise<void> {
  await Promise.all([...live].filter((p) => !keep(p)).map((p) => p.stop()));
}

/** Stops every receiver and removes the site folders. */
export async function disposeSitePcs(): Promise<void> {
  await stopAllReceivers();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders.clear();
}

export function receiverBuilt(): boolean {
  return existsSync(RECEIVER_MAIN);
}
