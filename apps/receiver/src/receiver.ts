import type { ReceiptPayload } from '@avisa/contracts';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { AlertHandler } from './alert-handler';
import { AttachmentDownloads } from './attachments';
import { Backoff } from './backoff';
import { Clock, iso, systemClock } from './clock';
import { ConfigError, loadConfig, ReceiverConfig } from './config';
import { watchConfigFile } from './config-watch';
import { ReceiverConnection, SocketFactory } from './connection';
import { LOCK_FILE, LockFile, LockHeldError } from './lock-file';
import { DEFAULT_MACHINE_LOCK, MACHINE_LOCK_ENV, MachineLock, machineLockAddress } from './machine-lock';
import { createReceiverLogger, ReceiverLogger } from './logger';
import { CommandNotifier } from './command-notifier';
import { desktopEnvironment } from './desktop-environment';
import { FreedesktopNotifier } from './freedesktop-notifier';
import { createNotifierBackend, DesktopNotifier, Notifier } from './notifier';
import { connectSessionBus, sessionBusAddress } from './session-bus';
import { openWithDefaultProgram } from './opener';
import { Outbox } from './outbox';
import { SeenStore } from './seen-store';
import { excerpt, STATUS_FILE, StatusWriter } from './status';
import { readTrustedKey, readUpdateState, Updater } from './updater';

export interface ReceiverEnvironment {
  configPath: string;
  version: string;
  /** apps/receiver. */
  packageDir: string;
  /** The folder of the program that was started: an installed receiver keeps its update-key.pem there. */
  programDir: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  pid: number;
  /** The account's uid, to find its session bus at /run/user/<uid>/bus. */
  uid: number;
  clock?: Clock;
  createSocket?: SocketFactory;
  err(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_ALREADY_RUNNING = 2;
/** Stopped to start again into an installed update: the service manager restarts it. */
export const EXIT_RESTART = 3;

const PERIODIC_FLUSH_MS = 60_000;
/** A new version that has not reached the server by then gives way to the previous one. */
const TRIAL_DEADLINE_MS = 180_000;

export class Receiver {
  private readonly stopping: Promise<void>;
  private requestStop: () => void = () => {};
  private flushTimer: NodeJS.Timeout | null = null;
  private trialTimer: NodeJS.Timeout | null = null;
  private configWatch: { close(): void } | null = null;
  private exitCode = EXIT_OK;

  private constructor(
    private readonly machineLock: MachineLock,
    private readonly lock: LockFile,
    private readonly logger: ReceiverLogger,
    private readonly outbox: Outbox,
    private readonly status: StatusWriter,
    private readonly connection: ReceiverConnection,
    private readonly handler: AlertHandler,
    private readonly notifier: Notifier,
    private readonly attachments: AttachmentDownloads,
  ) {
    this.stopping = new Promise((done) => (this.requestStop = done));
  }

  static async open(environment: ReceiverEnvironment): Promise<Receiver | number> {
    let config: ReceiverConfig;
    try {
      config = loadConfig(environment.configPath);
      mkdirSync(config.dataDir, { recursive: true });
      makePrivateDir(config.logDir, environment.platform);
    } catch (error) {
      environment.err(
        error instanceof ConfigError
          ? error.message
          : `Cannot prepare the data or log folder: ${(error as Error).message}`,
      );
      return EXIT_FAILURE;
    }
    let machineLock: MachineLock;
    let lock: LockFile;
    try {
      const name = environment.env[MACHINE_LOCK_ENV] || DEFAULT_MACHINE_LOCK;
      machineLock = await MachineLock.acquire(machineLockAddress(environment.platform, name), environment.pid);
    } catch (error) {
      environment.err((error as Error).message);
      return error instanceof LockHeldError ? EXIT_ALREADY_RUNNING : EXIT_FAILURE;
    }
    try {
      lock = LockFile.acquire(join(config.dataDir, LOCK_FILE), environment.pid);
    } catch (error) {
      await machineLock.release();
      environment.err((error as Error).message);
      return error instanceof LockHeldError ? EXIT_ALREADY_RUNNING : EXIT_FAILURE;
    }
    try {
      return Receiver.assemble(environment, config, machineLock, lock);
    } catch (error) {
      lock.release();
      await machineLock.release();
      environment.err(`Cannot start: ${(error as Error).message}`);
      return EXIT_FAILURE;
    }
  }

  private static assemble(
    environment: ReceiverEnvironment,
    config: ReceiverConfig,
    machineLock: MachineLock,
    lock: LockFile,
  ): Receiver {
    const clock = environment.clock ?? systemClock;
    const keys = new Set([config.key]);
    const logger = createReceiverLogger(config.logDir, () => [...keys]);
    logger.info(`avisa-receiver ${environment.version} starting (PID ${environment.pid}, config ${config.configPath})`);

    const notifier = Receiver.notifier(environment, config, logger);
    const seen = SeenStore.open(join(config.dataDir, 'seen.json'), clock, logger);
    const outbox = Outbox.open(join(config.dataDir, 'outbox.json'), clock, logger);
    const status = new StatusWriter(join(config.dataDir, STATUS_FILE), clock, {
      pid: environment.pid,
      version: environment.version,
      serverUrl: config.serverUrl,
      name: config.name,
    });
    status.update({ pendingReceipts: outbox.size });

    let current = config;
    const openerEnv = async (): Promise<NodeJS.ProcessEnv> => {
      if (environment.platform === 'win32' || environment.platform === 'darwin') return environment.env;
      const env = await desktopEnvironment(environment.env, environment.uid);
      if (!env.DISPLAY && !env.WAYLAND_DISPLAY) {
        logger.warn('No DISPLAY or WAYLAND_DISPLAY here nor in the desktop session: the file may not open on screen');
      }
      return env;
    };
    const attachments = AttachmentDownloads.open({
      dataDir: config.dataDir,
      site: () => ({ serverUrl: current.serverUrl, name: current.name, key: current.key, ca: current.ca }),
      openPath: (path) => openWithDefaultProgram(path, { platform: environment.platform, env: openerEnv, logger }),
      clock,
      logger,
      onChange: (list) => status.update({ attachments: list }),
    });
    status.update({ attachments: attachments.status() });
    const flush = async (retryRefused = false) => {
      if (!connection.connected) return;
      try {
        await outbox.flush((receipt) => connection.sendReceipt(receipt), { retryRefused });
        status.update({ pendingReceipts: outbox.size });
      } catch (error) {
        logger.error(`Could not send or record receipts: ${(error as Error).message}`);
      }
    };
    const receipts = {
      add: (receipt: ReceiptPayload) => {
        outbox.add(receipt);
        status.update({ pendingReceipts: outbox.size });
        void flush();
      },
    };
    const handler = new AlertHandler({
      seen,
      notifier,
      receipts,
      clock,
      logger,
      sound: () => current.sound,
      onNewAlert: (alert) =>
        status.update({
          lastAlert: {
            id: alert.id,
            receivedAt: iso(clock.now()),
            priority: alert.priority,
            sender: alert.sender,
            excerpt: excerpt(alert.text),
          },
        }),
      onAttachments: (alert) => attachments.add(alert),
      onOpenAttachments: (id) =>
        void attachments
          .openFiles(id)
          .catch((error: Error) => logger.error(`Could not open attachments: ${error.message}`)),
      onRetracted: (id) => attachments.forget(id),
      onDesktop: (desktop) => status.updateDesktop(desktop.available, desktop.reason, desktop.waiting),
    });
    const guarded =
      (what: string, action: (payload: unknown) => void) =>
      (payload: unknown): void => {
        try {
          action(payload);
        } catch (error) {
          logger.error(`Failed to handle ${what}: ${(error as Error).stack ?? String(error)}`);
        }
      };

    const connection: ReceiverConnection = new ReceiverConnection(
      {
        loadConfig: () => loadConfig(environment.configPath),
        createSocket: environment.createSocket ?? ((url, options) => io(url, options)),
        backoff: new Backoff({ baseMs: config.reconnect.minMs, capMs: config.reconnect.maxMs }),
        clock,
        logger,
        clientVersion: `avisa-receiver/${environment.version}`,
        events: {
          onAttempt: (next) => {
            current = next;
            keys.add(next.key);
            status.update({ state: 'connecting', serverUrl: next.serverUrl, name: next.name, nextAttemptAt: null });
          },
          onConnected: () => {
            status.update({ state: 'connected', lastError: null });
            void flush(true);
            attachments.retry();
          },
          onWelcome: (welcome) => {
            status.update({ displayName: welcome.displayName });
            void updater
              .connected()
              .catch((error: Error) => logger.error(`Update bookkeeping failed: ${error.message}`));
          },
          onUpdate: guarded('an update offer', (payload) => {
            void updater.offer(payload).catch((error: Error) => logger.error(`Update failed: ${error.message}`));
          }),
          onAlert: guarded('an alert', (payload) => handler.handleAlert(payload)),
          onRetract: guarded('a retract', (payload) => handler.handleRetract(payload)),
          onDisconnected: (error, retryInMs) =>
            status.update({ state: 'disconnected', lastError: error, nextAttemptAt: iso(clock.now() + retryInMs) }),
        },
      },
      config,
    );
    const updater = new Updater({
      dataDir: config.dataDir,
      version: environment.version,
      trustedKey: readTrustedKey(environment.env, environment.programDir),
      server: () => ({ url: current.serverUrl, ca: current.ca }),
      report: (update) => connection.sendUpdateStatus(update),
      restart: () => receiver.restart(EXIT_RESTART),
      logger,
    });
    const receiver = new Receiver(
      machineLock,
      lock,
      logger,
      outbox,
      status,
      connection,
      handler,
      notifier,
      attachments,
    );
    receiver.configWatch = watchConfigFile(
      config.configPath,
      () => {
        current = connection.applyConfigChange();
        keys.add(current.key);
      },
      logger,
    );
    receiver.flushTimer = setInterval(() => void flush(), PERIODIC_FLUSH_MS);
    if (readUpdateState(config.dataDir).trial?.version === environment.version) {
      const deadline = Number(environment.env.AVISA_RECEIVER_TRIAL_MS) || TRIAL_DEADLINE_MS;
      receiver.trialTimer = setTimeout(() => {
        if (readUpdateState(config.dataDir).trial?.version !== environment.version) return;
        logger.error(`Version ${environment.version} did not reach the server within ${deadline / 1000} s; going back`);
        receiver.restart(EXIT_FAILURE);
      }, deadline);
    }
    handler.resume();
    return receiver;
  }

  /**
   * Linux and BSD: the desktop's notification service over the session bus, or `notifyCommand` when set.
   * Windows and macOS: node-notifier, with `notifyCommand` as its customPath.
   */
  private static notifier(environment: ReceiverEnvironment, config: ReceiverConfig, logger: ReceiverLogger): Notifier {
    const { platform, env, uid } = environment;
    if (platform === 'win32' || platform === 'darwin') {
      // The packaged receiver carries SnoreToast beside the program: an update's bundle runs from another folder.
      const shipped = join(environment.programDir, 'vendor', 'snoreToast', 'snoretoast-x64.exe');
      const command = config.notifyCommand ?? (platform === 'win32' && existsSync(shipped) ? shipped : null);
      return new DesktopNotifier(createNotifierBackend(platform, command), logger);
    }
    if (config.notifyCommand) {
      logger.info(`Notifications through ${config.notifyCommand}`);
      return new CommandNotifier(config.notifyCommand, logger);
    }
    return new FreedesktopNotifier(() => connectSessionBus(sessionBusAddress(env, uid)), logger);
  }

  /** Stops like a signal would, with an exit code that tells the service manager why. */
  restart(code: number): void {
    this.exitCode = code;
    this.logger.info('Stopping to start again');
    this.requestStop();
  }

  stop(signal: string): void {
    this.logger.info(`${signal} received; stopping`);
    this.requestStop();
  }

  /** The last moments of the process (an uncaught error, exit): no notifier process and no lock left behind. */
  cleanUpAtExit(): void {
    if (this.notifier instanceof CommandNotifier) this.notifier.killAll();
    this.lock.release();
  }

  async serve(): Promise<number> {
    const running = this.connection.run();
    await this.stopping;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.trialTimer) clearTimeout(this.trialTimer);
    this.configWatch?.close();
    this.handler.stop();
    await Promise.all([this.notifier.dispose(), this.attachments.stop()]);
    if (this.connection.connected && this.outbox.size > 0) {
      await Promise.race([
        this.outbox.flush((receipt) => this.connection.sendReceipt(receipt)),
        new Promise((done) => setTimeout(done, 2000)),
      ]);
    }
    this.connection.stop();
    await running;
    this.status.update({ state: 'stopped', pendingReceipts: this.outbox.size, nextAttemptAt: null });
    this.logger.info(`Stopped; ${this.outbox.size} receipt(s) kept for the next start`);
    this.lock.release();
    await this.machineLock.release();
    await this.logger.close();
    return this.exitCode;
  }
}

/**
 * Log files carry site names, addresses and server errors: other users of the PC may not read them. A folder the
 * installer made for the receiver's group (0750) keeps its group.
 */
function makePrivateDir(dir: string, platform: NodeJS.Platform): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  const mode = statSync(dir).mode & 0o777;
  if (mode & 0o007) chmodSync(dir, mode & ~0o007);
}
