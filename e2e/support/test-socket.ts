import type { AlertPayload } from '@avisa/contracts';
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { TestServer } from './server';

export const SOCKET_WAIT_MS = 5000;
const WAIT_MS = SOCKET_WAIT_MS;

export interface Refusal extends Error {
  data?: { code?: string; retryAfterSeconds?: number };
}

/**
 * A Socket.IO client standing in for a site or an operator's browser: records every event it receives, in order, and
 * why it was disconnected. Only for API-level checks; real receiver processes are covered by another spec.
 */
export class TestSocket {
  readonly events: { event: string; args: unknown[]; at: number }[] = [];
  disconnectReason: string | null = null;

  constructor(readonly socket: Socket) {
    socket.onAny((event: string, ...args: unknown[]) => this.events.push({ event, args, at: Date.now() }));
    socket.on('disconnect', (reason) => (this.disconnectReason = reason));
  }

  received<T = unknown>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => e.args[0] as T);
  }

  alerts(id: string): AlertPayload[] {
    return this.received<AlertPayload>('alert').filter((a) => a.id === id);
  }

  /** Resolves with the refusal, or null once connected. */
  outcome(): Promise<Refusal | null> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve(null);
      const timer = setTimeout(() => reject(new Error(`no answer to the handshake in ${WAIT_MS} ms`)), WAIT_MS);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve(null);
      });
      this.socket.once('connect_error', (error: Refusal) => {
        clearTimeout(timer);
        resolve(error);
      });
    });
  }

  async connected(): Promise<void> {
    const refusal = await this.outcome();
    if (refusal) throw new Error(`connection refused: ${refusal.message} ${JSON.stringify(refusal.data)}`);
  }

  async refused(): Promise<Refusal> {
    const refusal = await this.outcome();
    if (!refusal) throw new Error('the handshake was accepted');
    return refusal;
  }

  receipt(id: string, state: string, at = new Date().toISOString()): Promise<unknown> {
    return this.socket.timeout(WAIT_MS).emitWithAck('receipt', { id, state, at });
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** A Socket.IO client on one of the server's namespaces, trusting only that server's certificate, never reconnecting. */
export function openSocket(
  server: TestServer,
  namespace: '/receivers' | '/operators',
  auth: Record<string, unknown>,
): TestSocket {
  return new TestSocket(
    io(`${server.baseUrl}${namespace}`, {
      transports: ['websocket'],
      ca: readFileSync(server.path('certs', 'server.crt'), 'utf8'),
      auth,
      reconnection: false,
      forceNew: true,
    }),
  );
}
