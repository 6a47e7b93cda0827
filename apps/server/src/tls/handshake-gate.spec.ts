import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer, type Server, type TLSSocket } from 'node:tls';
import { HandshakeGate } from './handshake-gate';
import { loadOrCreateCertificate } from './tls-certificate';

describe('HandshakeGate (a real TLS server on 127.0.0.1)', () => {
  let dir: string;
  let cert: Buffer;
  let server: Server;
  let gate: HandshakeGate;
  let port: number;
  let secured: number;
  let clientErrors: number;
  let mostHandshaking: number;
  const clients: (Socket | TLSSocket)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'avisa-gate-'));
    const tls = await loadOrCreateCertificate({ certsDir: dir, extraHostnames: [] });
    cert = tls.cert;
    server = createServer({ cert: tls.cert, key: tls.key }, (socket) => socket.end('hello'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function listen(limit: number): Promise<void> {
    secured = 0;
    clientErrors = 0;
    mostHandshaking = 0;
    server.removeAllListeners('secureConnection');
    server.removeAllListeners('tlsClientError');
    server.on('secureConnection', (socket: TLSSocket) => {
      secured++;
      socket.end('hello');
    });
    server.on('tlsClientError', () => clientErrors++);
    gate = HandshakeGate.install(server, limit);
    server.on('connection', () => (mostHandshaking = Math.max(mostHandshaking, gate.handshaking)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  function greeting(): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' });
      clients.push(socket);
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
  }

  async function until(test: () => boolean): Promise<void> {
    while (!test()) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('admits connections a few at a time and every one completes its handshake', async () => {
    await listen(2);
    const answers = await Promise.all(Array.from({ length: 12 }, greeting));
    expect(answers).toEqual(Array(12).fill('hello'));
    expect(secured).toBe(12);
    expect(mostHandshaking).toBeLessThanOrEqual(2);
    expect(gate.handshaking).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it('drops a waiting connection its client gave up on, without a handshake, and goes on with the next', async () => {
    await listen(1);
    // A client that opens TCP and says nothing holds the only place.
    const silent = tcpConnect(port, '127.0.0.1');
    clients.push(silent);
    await until(() => gate.handshaking === 1);

    const impatient = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' });
    clients.push(impatient);
    impatient.on('error', () => undefined);
    await until(() => gate.queued === 1);
    impatient.destroy();
    await until(() => gate.queued === 0);
    expect(secured).toBe(0);
    expect(clientErrors).toBe(0);

    silent.destroy();
    await expect(greeting()).resolves.toBe('hello');
    expect(secured).toBe(1);
  }, 15_000);

  it('does not let a connection that says nothing keep the others waiting', async () => {
    await listen(1);
    const silent = tcpConnect(port, '127.0.0.1');
    clients.push(silent);
    await until(() => gate.handshaking === 1);
    // Its place is given up after a second; the silent connection itself stays open meanwhile.
    await expect(greeting()).resolves.toBe('hello');
    expect(silent.destroyed).toBe(false);
    expect(secured).toBe(1);
  }, 15_000);
});
