import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';

/**
 * A handshake that has neither succeeded nor failed within this long stops holding its place (and goes on under
 * Node's own handshake timeout): connections that open and then say nothing cannot keep the others waiting.
 */
const HANDSHAKE_SLOT_MS = 1_000;
/** More than a client's hello: a waiting connection that sends this much is not a TLS client. */
const MAX_WAITING_BYTES = 64 * 1024;

interface Waiting {
  socket: Socket;
  chunks: Buffer[];
  bytes: number;
  onData: (chunk: Buffer) => void;
  onEnd: () => void;
}

/**
 * Lets at most `limit` TLS handshakes run at once; further connections wait, accepted but untouched, in arrival
 * order. After a restart ten thousand sites connect in the same second: handshaking them all at once makes every
 * one slow, and those that give up at their connect timeout have cost the server a handshake for nothing. Admitted
 * in order, the first ones finish at once, and a site that gives up while waiting costs nothing.
 */
export class HandshakeGate {
  private readonly waiting = new Set<Waiting>();
  /** Admitted connections whose handshake has not ended, by remote address and port: what frees their place. */
  private readonly inFlight = new Map<string, () => void>();

  constructor(
    private readonly limit: number,
    private readonly admit: (socket: Socket) => void,
  ) {}

  /** Installs the gate in front of the server's own TLS connection listener. */
  static install(server: TlsServer, limit: number): HandshakeGate {
    const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
    server.removeAllListeners('connection');
    const gate = new HandshakeGate(limit, (socket) => {
      for (const listener of listeners) listener.call(server, socket);
    });
    server.on('connection', (socket: Socket) => gate.arrived(socket));
    server.on('secureConnection', (socket: TLSSocket) => gate.ended(socket));
    server.on('tlsClientError', (_error: Error, socket: TLSSocket) => gate.ended(socket));
    return gate;
  }

  get handshaking(): number {
    return this.inFlight.size;
  }

  get queued(): number {
    return this.waiting.size;
  }

  arrived(socket: Socket): void {
    if (this.inFlight.size < this.limit) {
      this.start(socket);
      return;
    }
    // What the client sends meanwhile (its hello) is kept and handed back on admission; a client that gives up
    // while waiting ends its side, and its socket is dropped without any TLS work.
    const entry: Waiting = {
      socket,
      chunks: [],
      bytes: 0,
      onData: (chunk) => {
        entry.chunks.push(chunk);
        entry.bytes += chunk.length;
        if (entry.bytes > MAX_WAITING_BYTES) entry.onEnd();
      },
      onEnd: () => {
        this.waiting.delete(entry);
        socket.destroy();
      },
    };
    socket.on('data', entry.onData);
    socket.once('end', entry.onEnd);
    socket.once('error', entry.onEnd);
    this.waiting.add(entry);
  }

  /** The handshake of this connection succeeded or failed. */
  ended(socket: Socket): void {
    const key = keyOf(socket);
    if (key !== null) this.inFlight.get(key)?.();
  }

  private start(socket: Socket): void {
    const key = keyOf(socket);
    if (key === null) {
      socket.destroy();
      return;
    }
    // Whichever comes first: the handshake's end, the connection's, or the time limit.
    const release = (): void => {
      if (this.inFlight.get(key) !== release) return;
      clearTimeout(timer);
      socket.off('close', release);
      this.inFlight.delete(key);
      this.next();
    };
    const timer = setTimeout(release, HANDSHAKE_SLOT_MS).unref();
    socket.once('close', release);
    this.inFlight.set(key, release);
    this.admit(socket);
  }

  private next(): void {
    for (const entry of this.waiting) {
      if (this.inFlight.size >= this.limit) return;
      this.waiting.delete(entry);
      const { socket } = entry;
      socket.off('data', entry.onData);
      socket.off('end', entry.onEnd);
      socket.off('error', entry.onEnd);
      if (socket.destroyed) continue;
      socket.pause();
      if (entry.chunks.length) socket.unshift(Buffer.concat(entry.chunks));
      this.start(socket);
    }
  }
}

/** The TCP connection's remote end: the same for the raw socket and the TLS socket wrapping it. */
function keyOf(socket: Socket): string | null {
  return socket.remoteAddress && socket.remotePort ? `${socket.remoteAddress}:${socket.remotePort}` : null;
}
