import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { ClamdClient, parseReply, ScannerUnavailableError } from './clamd-client';

/** A stand-in for clamd on 127.0.0.1 for the error paths: it reads the INSTREAM chunks, then does what it is told. */
async function fakeClamd(
  behave: (socket: Socket, received: Buffer) => void,
): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      // The end of the stream: an empty chunk after the command and at least one chunk.
      if (received.length > 14 && received.subarray(-4).equals(Buffer.alloc(4))) behave(socket, received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('ClamdClient', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  const clientFor = async (behave: (socket: Socket, received: Buffer) => void, timeoutMs = 2000) => {
    const { port, server } = await fakeClamd(behave);
    servers.push(server);
    return new ClamdClient({ host: '127.0.0.1', port }, timeoutMs);
  };

  it('sends INSTREAM with each chunk prefixed by its length, ended by an empty chunk', async () => {
    let seen: Buffer = Buffer.alloc(0);
    const client = await clientFor((socket, received) => {
      seen = received;
      socket.end('stream: OK\0');
    });
    expect(await client.scan(Readable.from([Buffer.from('hello')]))).toEqual({ verdict: 'clean' });
    expect(seen.subarray(0, 10).toString()).toBe('zINSTREAM\0');
    expect(seen.readUInt32BE(10)).toBe(5);
    expect(seen.subarray(14, 19).toString()).toBe('hello');
    expect(seen.subarray(19)).toEqual(Buffer.alloc(4));
  });

  it('reads a virus name from FOUND', async () => {
    const client = await clientFor((socket) => socket.end('stream: Eicar-Test-Signature FOUND\0'));
    expect(await client.scan(Readable.from([Buffer.from('x')]))).toEqual({
      verdict: 'infected',
      signature: 'Eicar-Test-Signature',
    });
  });

  it('calls a file over the size limit unscannable', async () => {
    const client = await clientFor((socket) => socket.end('INSTREAM size limit exceeded. ERROR\0'));
    expect(await client.scan(Readable.from([Buffer.from('x')]))).toEqual({
      verdict: 'unscannable',
      reason: "the file is larger than the scanner's limit",
    });
  });

  it('calls a garbage reply unscannable, quoting it', async () => {
    const client = await clientFor((socket) => socket.end('what?\0'));
    expect(await client.scan(Readable.from([Buffer.from('x')]))).toEqual({
      verdict: 'unscannable',
      reason: 'the scanner answered: what?',
    });
  });

  it('gives up on a scanner that never answers: unavailable, to be tried again', async () => {
    const client = await clientFor(() => undefined, 200);
    await expect(client.scan(Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(ScannerUnavailableError);
  });

  it('says a scanner that is not there is unavailable', async () => {
    const client = new ClamdClient({ path: '/nonexistent/clamd.sock' }, 1000);
    await expect(client.scan(Readable.from([Buffer.from('x')]))).rejects.toThrow(/unreachable/);
    expect(await client.ping()).toBe(false);
  });
});

describe('parseReply', () => {
  it('understands OK with or without the stream prefix', () => {
    expect(parseReply('stream: OK')).toEqual({ verdict: 'clean' });
    expect(parseReply('OK')).toEqual({ verdict: 'clean' });
  });
});
