import * as dbusNative from '@homebridge/dbus-native';
import { existsSync } from 'node:fs';
import { createConnection, Socket } from 'node:net';

/** A method call on the bus; `body` follows `signature` in @homebridge/dbus-native's encoding (variants as [sig, value]). */
export interface BusCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
}

export interface BusSignal {
  sender: string;
  path: string;
  interface: string;
  member: string;
  body: unknown[];
}

/** What the notifier needs from a connected session bus. */
export interface SessionBusConnection {
  /** The bus instance's own id (org.freedesktop.DBus.GetId): a restarted bus has another one. */
  readonly id: string;
  readonly address: string;
  call(message: BusCall, timeoutMs?: number): Promise<unknown[]>;
  onSignal(listener: (signal: BusSignal) => void): void;
  /** Called once, when the bus closed the connection or it failed. */
  onClosed(listener: (reason: string) => void): void;
  close(): void;
}

/** An error reply from the bus or a service (`errorName` is the D-Bus error name), or a call that got no reply. */
export class BusError extends Error {
  constructor(
    readonly errorName: string,
    readonly detail: string,
  ) {
    super(detail ? `${errorName}: ${detail}` : errorName);
    this.name = 'BusError';
  }
}

/** There is no session bus to talk to: no address, or nothing answering at it. */
export class NoSessionBusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoSessionBusError';
  }
}

export const NO_REPLY = 'org.freedesktop.DBus.Error.NoReply';
const CALL_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5000;

type Target = { path: string } | { host: string; port: number };

/**
 * Where the session bus is: $DBUS_SESSION_BUS_ADDRESS, else the per-user bus that systemd starts (and that exists
 * before and after anyone is logged in at the desktop) at $XDG_RUNTIME_DIR/bus or /run/user/<uid>/bus.
 * Asked again before every connection attempt, so a bus that appears later is found.
 */
export function sessionBusAddress(
  env: NodeJS.ProcessEnv,
  uid: number,
  exists: (path: string) => boolean = existsSync,
): string {
  const fromEnv = env.DBUS_SESSION_BUS_ADDRESS?.trim();
  if (fromEnv) return fromEnv;
  const runtimeDir = env.XDG_RUNTIME_DIR?.trim() || `/run/user/${uid}`;
  const socket = `${runtimeDir}/bus`;
  if (exists(socket)) return `unix:path=${socket}`;
  throw new NoSessionBusError(`no session bus: DBUS_SESSION_BUS_ADDRESS is not set and ${socket} does not exist`);
}

/** The transports of a D-Bus address list (`a;b`) that a Node socket can reach, in order. */
export function busTargets(address: string): Target[] {
  const targets: Target[] = [];
  for (const entry of address.split(';')) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const transport = entry.slice(0, colon);
    const params = new Map<string, string>();
    for (const pair of entry.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) params.set(pair.slice(0, eq), decodeBusValue(pair.slice(eq + 1)));
    }
    const path = params.get('path');
    const abstract = params.get('abstract');
    const port = Number(params.get('port'));
    if (transport === 'unix' && path) targets.push({ path });
    // Node reaches a Linux abstract socket through a path that starts with NUL.
    else if (transport === 'unix' && abstract) targets.push({ path: `\0${abstract}` });
    else if (transport === 'tcp' && Number.isInteger(port) && port > 0) {
      targets.push({ host: params.get('host') ?? 'localhost', port });
    }
  }
  return targets;
}

function decodeBusValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

interface NativeMessage {
  type?: number;
  serial?: number;
  destination?: string;
  path?: string;
  interface?: string;
  member?: string;
  sender?: string;
  signature?: string;
  body?: unknown[];
}

interface NativeConnection {
  on(event: 'connect', listener: () => void): void;
  on(event: 'message', listener: (message: NativeMessage) => void): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
}

/** The part of @homebridge/dbus-native used here; its own typings do not declare createClient. */
interface NativeBus {
  connection: NativeConnection;
  cookies: Record<number, unknown>;
  invoke(message: NativeMessage, callback: (error: unknown, ...body: unknown[]) => void): void;
}

const native = dbusNative as unknown as { createClient(options: { stream: Socket }): NativeBus };
const SIGNAL = 4;

/** Opens the session bus at `address` (its first reachable transport); resolves once the bus answered GetId. */
export async function connectSessionBus(
  address: string,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<SessionBusConnection> {
  const targets = busTargets(address);
  if (targets.length === 0) throw new NoSessionBusError(`no usable transport in the session bus address ${address}`);
  let last: Error | null = null;
  for (const target of targets) {
    try {
      return await NativeSessionBus.open(address, target, timeoutMs);
    } catch (error) {
      last = error as Error;
    }
  }
  throw new NoSessionBusError(`cannot connect to the session bus at ${address}: ${last?.message ?? 'unknown error'}`);
}

class NativeSessionBus implements SessionBusConnection {
  private readonly pending = new Map<number, (error: Error) => void>();
  private readonly signalListeners: ((signal: BusSignal) => void)[] = [];
  private readonly closedListeners: ((reason: string) => void)[] = [];
  private closedReason: string | null = null;
  id = '';

  private constructor(
    readonly address: string,
    private readonly socket: Socket,
    private readonly bus: NativeBus,
  ) {}

  static open(address: string, target: Target, timeoutMs: number): Promise<NativeSessionBus> {
    const socket = 'path' in target ? createConnection(target.path) : createConnection(target.port, target.host);
    const bus = native.createClient({ stream: socket });
    const connection = new NativeSessionBus(address, socket, bus);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const lost = (reason: string) => (settled ? connection.closed(reason) : fail(new Error(reason)));
      const timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      bus.connection.on('error', (error) => lost(error?.message ?? 'connection error'));
      bus.connection.on('end', () => lost('the bus closed the connection'));
      socket.on('close', () => lost('the connection to the bus closed'));
      bus.connection.on('message', (message) => connection.dispatch(message));
      bus.connection.on('connect', () => {
        connection
          .call({
            destination: 'org.freedesktop.DBus',
            path: '/org/freedesktop/DBus',
            interface: 'org.freedesktop.DBus',
            member: 'GetId',
          })
          .then(([id]) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            connection.id = String(id);
            resolve(connection);
          })
          .catch((error: Error) => fail(error));
      });
    });
  }

  call(message: BusCall, timeoutMs = CALL_TIMEOUT_MS): Promise<unknown[]> {
    if (this.closedReason !== null) return Promise.reject(new BusError(NO_REPLY, this.closedReason));
    return new Promise((resolve, reject) => {
      const outgoing: NativeMessage = { ...message };
      let answered = false;
      const settle = (error: Error | null, body: unknown[] = []) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        this.pending.delete(outgoing.serial ?? 0);
        if (error) reject(error);
        else resolve(body);
      };
      const timer = setTimeout(() => {
        delete this.bus.cookies[outgoing.serial ?? 0];
        settle(new BusError(NO_REPLY, `${message.member} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      // invoke() numbers the message (outgoing.serial) before it returns.
      this.bus.invoke(outgoing, (error, ...body) => settle(error ? toBusError(error) : null, body));
      if (!answered) this.pending.set(outgoing.serial ?? 0, (error) => settle(error));
    });
  }

  onSignal(listener: (signal: BusSignal) => void): void {
    this.signalListeners.push(listener);
  }

  onClosed(listener: (reason: string) => void): void {
    this.closedListeners.push(listener);
  }

  close(): void {
    this.closed('closed by the receiver');
    this.socket.destroy();
  }

  private dispatch(message: NativeMessage): void {
    if (message.type !== SIGNAL) return;
    const signal: BusSignal = {
      sender: message.sender ?? '',
      path: message.path ?? '',
      interface: message.interface ?? '',
      member: message.member ?? '',
      body: message.body ?? [],
    };
    for (const listener of this.signalListeners) listener(signal);
  }

  private closed(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const reject of [...this.pending.values()]) reject(new BusError(NO_REPLY, reason));
    this.pending.clear();
    for (const listener of this.closedListeners) listener(reason);
  }
}

function toBusError(error: unknown): BusError {
  if (error instanceof BusError) return error;
  const e = error as { name?: unknown; message?: unknown } | null;
  const name = typeof e?.name === 'string' && e.name.includes('.') ? e.name : 'org.freedesktop.DBus.Error.Failed';
  return new BusError(name, typeof e?.message === 'string' ? e.message : String(error));
}
