import {
  DisconnectReasonPayload,
  PROTOCOL_VERSION,
  RECEIVER_CONNECT_ERRORS,
  ReceiptPayload,
  ReceiverClientToServerEvents,
  ReceiverConnectErrorCode,
  ReceiverHandshakeAuth,
  ReceiverServerToClientEvents,
  RECEIVERS_NAMESPACE,
  UpdateStatusPayload,
  WelcomePayload,
} from '@avisa/contracts';
import { Agent } from 'node:https';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { Backoff, backoffCeiling, CONNECT_TIMEOUT, HANDSHAKE_GRACE_MS } from './backoff';
import { Clock } from './clock';
import { ReceiverConfig } from './config';
import { Logger } from './logger';
import { SendResult } from './outbox';

export type ReceiverSocket = Socket<ReceiverServerToClientEvents, ReceiverClientToServerEvents>;
export type SocketFactory = (url: string, options: Partial<ManagerOptions & SocketOptions>) => ReceiverSocket;

export interface ConnectionEvents {
  onAttempt(config: ReceiverConfig): void;
  onConnected(): void;
  onWelcome(payload: WelcomePayload): void;
  onAlert(payload: unknown): void;
  onRetract(payload: unknown): void;
  onUpdate?(payload: unknown): void;
  onDisconnected(error: string, retryInMs: number): void;
}

export interface ConnectionDeps {
  /** Re-reads the config file, so a new serverUrl or key applies at the next attempt without a reinstall. */
  loadConfig(): ReceiverConfig;
  createSocket: SocketFactory;
  backoff: Backoff;
  clock: Clock;
  logger: Logger;
  clientVersion: string;
  events: ConnectionEvents;
  sleep?: (ms: number) => Promise<void>;
  /** A connection that lasted this long starts the backoff over; a shorter one keeps it growing (a flapping server). */
  stableAfterMs?: number;
  /**
   * How long the first attempt may take to reach the server (CONNECT_TIMEOUT.baseMs); it doubles after each time-out,
   * up to the cap. Once reached, the handshakes get HANDSHAKE_GRACE_MS more.
   */
  connectTimeoutMs?: number;
  connectTimeoutCapMs?: number;
  ackTimeoutMs?: number;
}

interface AttemptOutcome {
  error: string;
  connectedFor: number | null;
  retryAfterMs: number | null;
}

export interface ConnectErrorInfo {
  text: string;
  code: ReceiverConnectErrorCode | null;
  retryAfterMs: number | null;
}

export function describeConnectError(
  error: Error & { data?: unknown; description?: unknown },
  caPath?: string,
): ConnectErrorInfo {
  const data = error.data as { code?: unknown; retryAfterSeconds?: unknown } | undefined;
  const code =
    typeof data?.code === 'string' && data.code in RECEIVER_CONNECT_ERRORS
      ? (data.code as ReceiverConnectErrorCode)
      : null;
  if (code) {
    const seconds = typeof data?.retryAfterSeconds === 'number' ? data.retryAfterSeconds : null;
    return {
      text: `refused by the server (${code}): ${error.message}`,
      code,
      retryAfterMs: seconds === null ? null : seconds * 1000,
    };
  }
  const description = error.description as
    { error?: { message?: unknown; code?: unknown }; message?: unknown; code?: unknown } | undefined;
  const cause = description?.error?.message ?? description?.message;
  const causeCode = description?.error?.code ?? description?.code;
  const text = typeof cause === 'string' && cause ? `${error.message}: ${cause}` : error.message;
  const certificate = typeof causeCode === 'string' && CERTIFICATE_ERRORS.test(causeCode);
  return {
    text:
      certificate && caPath
        ? `${text} (the server's certificate is not the one in the "ca" file ${caPath}, nor signed by it)`
        : text,
    code: null,
    retryAfterMs: null,
  };
}

/** One attempt's https.Agent: emits `reached` once the server's machine has accepted the TCP connection, before TLS. */
export class ReachAgent extends Agent {
  override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
    const socket = super.createConnection(...args);
    socket?.once('connect', () => this.emit('reached'));
    return socket;
  }
}

/** Node's TLS verification failures: the certificate the server showed does not check against `ca`. */
const CERTIFICATE_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID/;

function sameConnection(a: ReceiverConfig, b: ReceiverConfig): boolean {
  return a.serverUrl === b.serverUrl && a.name === b.name && a.key === b.key && a.ca === b.ca;
}

/**
 * One Socket.IO connection at a time with socket.io-client's own reconnection off: this loop re-reads the config,
 * connects, and after any failure or disconnection (refusals included) waits with backoff and tries again, forever.
 */
export class ReceiverConnection {
  private socket: ReceiverSocket | null = null;
  private stopped = false;
  private abortAttempt: ((why: string) => void) | null = null;
  private wake: (() => void) | null = null;
  private skipWait = false;
  private timeoutsInARow = 0;
  private lastConfig: ReceiverConfig;

  constructor(
    private readonly deps: ConnectionDeps,
    initialConfig: ReceiverConfig,
  ) {
    this.lastConfig = initialConfig;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  async run(): Promise<void> {
    const { backoff, logger, events } = this.deps;
    while (!this.stopped) {
      const config = this.reloadConfig();
      events.onAttempt(config);
      const outcome = await this.attempt(config);
      if (this.stopped) break;
      if (outcome.connectedFor !== null && outcome.connectedFor >= (this.deps.stableAfterMs ?? 10_000)) backoff.reset();
      if (this.skipWait) {
        this.skipWait = false;
        continue;
      }
      const delay = Math.max(backoff.next(), outcome.retryAfterMs ?? 0);
      logger.info(`Next connection attempt in ${(delay / 1000).toFixed(1)} s`);
      events.onDisconnected(outcome.error, delay);
      await this.sleep(delay);
    }
  }

  stop(): void {
    this.stopped = true;
    this.abortAttempt?.('stopped');
    this.wake?.();
  }

  /**
   * The config file was edited: a new server, site, key or certificate applies now (the connection in use is closed,
   * a wait for the next retry is cut short), not at a retry up to minutes away. Returns the configuration in force.
   */
  applyConfigChange(): ReceiverConfig {
    const before = this.lastConfig;
    const next = this.reloadConfig();
    if (sameConnection(before, next)) return next;
    this.deps.logger.info('Configuration changed; connecting again now');
    this.deps.backoff.reset();
    this.skipWait = true;
    this.abortAttempt?.('configuration changed');
    this.wake?.();
    return next;
  }

  sendReceipt(receipt: ReceiptPayload): Promise<SendResult> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve('unsent');
    return new Promise((resolve) => {
      socket.timeout(this.deps.ackTimeoutMs ?? 10_000).emit('receipt', receipt, (error, response) => {
        if (error) return resolve('unsent');
        if (response?.ok === true) return resolve('acked');
        const reason = response && 'error' in response ? response.error : JSON.stringify(response);
        this.deps.logger.warn(`Server refused the ${receipt.state} receipt for alert ${receipt.id}: ${reason}`);
        resolve('refused');
      });
    });
  }

  sendUpdateStatus(status: UpdateStatusPayload): Promise<SendResult> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve('unsent');
    return new Promise((resolve) => {
      socket.timeout(this.deps.ackTimeoutMs ?? 10_000).emit('update_status', status, (error, response) => {
        if (error) return resolve('unsent');
        resolve(response?.ok === true ? 'acked' : 'refused');
      });
    });
  }

  private reloadConfig(): ReceiverConfig {
    try {
      const next = this.deps.loadConfig();
      if (next.serverUrl !== this.lastConfig.serverUrl || next.name !== this.lastConfig.name) {
        this.deps.logger.info(`Config changed: now ${next.name} at ${next.serverUrl}`);
      }
      this.lastConfig = next;
    } catch (error) {
      this.deps.logger.error(`${(error as Error).message}; keeping the last valid configuration`);
    }
    return this.lastConfig;
  }

  private attempt(config: ReceiverConfig): Promise<AttemptOutcome> {
    const { clock, logger, events } = this.deps;
    return new Promise((resolve) => {
      const auth: ReceiverHandshakeAuth = {
        name: config.name,
        key: config.key,
        clientVersion: this.deps.clientVersion,
        protocol: PROTOCOL_VERSION,
      };
      logger.info(`Connecting to ${config.serverUrl} as ${config.name}`);
      const reachMs = this.connectTimeout();
      const agent = new ReachAgent();
      const socket = this.deps.createSocket(`${config.serverUrl}${RECEIVERS_NAMESPACE}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        // Socket.IO's own limit covers the whole handshake; reaching the server has the shorter one below.
        timeout: reachMs + HANDSHAKE_GRACE_MS,
        // Typed for browsers (string | boolean); in Node, engine.io-client hands it to ws as the request's agent.
        agent: agent as unknown as boolean,
        ca: config.ca,
        rejectUnauthorized: true,
        auth: { ...auth },
      });
      this.socket = socket;
      let connectedAt: number | null = null;
      let finished = false;
      const unreached = setTimeout(() => failed(new Error('timeout')), reachMs);
      agent.once('reached', () => clearTimeout(unreached));
      const finish = (outcome: AttemptOutcome) => {
        if (finished) return;
        finished = true;
        clearTimeout(unreached);
        agent.removeAllListeners('reached');
        this.abortAttempt = null;
        if (this.socket === socket) this.socket = null;
        socket.removeAllListeners();
        socket.disconnect();
        resolve(outcome);
      };
      let serverReason: DisconnectReasonPayload | null = null;
      this.abortAttempt = (why) =>
        finish({
          error: why,
          connectedFor: connectedAt === null ? null : clock.now() - connectedAt,
          retryAfterMs: null,
        });

      socket.on('connect', () => {
        clearTimeout(unreached);
        connectedAt = clock.now();
        this.timeoutsInARow = 0;
        logger.info(`Connected to ${config.serverUrl}`);
        events.onConnected();
      });
      const failed = (error: Error) => {
        if (finished) return;
        const info = describeConnectError(error, config.caPath);
        this.timeoutsInARow = error.message === 'timeout' ? this.timeoutsInARow + 1 : 0;
        const level = info.code === 'invalid_credentials' || info.code === 'disabled' ? 'error' : 'warn';
        logger[level](`Could not connect to ${config.serverUrl}: ${info.text}`);
        finish({ error: info.text, connectedFor: null, retryAfterMs: info.retryAfterMs });
      };
      socket.on('connect_error', failed);
      socket.on('disconnect_reason', (payload) => (serverReason = payload));
      socket.on('disconnect', (reason) => {
        let why = `disconnected (${reason})`;
        if (reason === 'io server disconnect' && serverReason) {
          why = `the server disconnected this site: ${serverReason.message}`;
          logger.error(`The server disconnected this site: ${serverReason.message}`);
        } else {
          logger.warn(`Disconnected from ${config.serverUrl}: ${reason}`);
        }
        finish({
          error: why,
          connectedFor: clock.now() - (connectedAt ?? clock.now()),
          retryAfterMs: null,
        });
      });
      socket.on('welcome', (payload) => {
        logger.info(
          `Welcome: ${payload.displayName} (${payload.name}), protocol ${payload.protocol}, ${payload.pending} pending`,
        );
        events.onWelcome(payload);
      });
      socket.on('alert', (payload) => events.onAlert(payload));
      socket.on('retract', (payload) => events.onRetract(payload));
      socket.on('update', (payload) => events.onUpdate?.(payload));
    });
  }

  private connectTimeout(): number {
    const baseMs = this.deps.connectTimeoutMs ?? CONNECT_TIMEOUT.baseMs;
    const capMs = Math.max(baseMs, this.deps.connectTimeoutCapMs ?? CONNECT_TIMEOUT.capMs);
    return backoffCeiling(this.timeoutsInARow, { baseMs, capMs });
  }

  private sleep(ms: number): Promise<void> {
    if (this.deps.sleep) return this.deps.sleep(ms);
    return new Promise((done) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = null;
        done();
      };
      const timer = setTimeout(finish, ms);
      this.wake = finish;
    });
  }
}
