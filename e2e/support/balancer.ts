import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP load balancer on 127.0.0.1 standing in for nginx's stream proxy in front of several instances: each new
 * connection goes to the next instance in turn, skipping one that refuses, and TLS passes through untouched.
 */
export class TcpBalancer {
  private next = 0;
  private readonly sockets = new Set<Socket>();
  /** Open connections per backend port. */
  readonly open = new Map<number, number>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly backends: number[],
  ) {}

  static async start(backends: number[]): Promise<TcpBalancer> {
    const server = createServer();
    const port = await new Promise<number>((done) =>
      server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)),
    );
    const balancer = new TcpBalancer(server, port, backends);
    server.on('connection', (client: Socket) => balancer.accept(client));
    return balancer;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket, tried = 0): void {
    this.track(client);
    if (tried >= this.backends.length) {
      client.destroy();
      return;
    }
    const port = this.backends[this.next++ % this.backends.length];
    const upstream = connect(port, '127.0.0.1');
    this.track(upstream);
    upstream.once('connect', () => {
      this.open.set(port, (this.open.get(port) ?? 0) + 1);
      upstream.once('close', () => this.open.set(port, (this.open.get(port) ?? 1) - 1));
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (upstream.connecting || error.code === 'ECONNREFUSED') this.accept(client, tried + 1);
    });
  }

  private track(socket: Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((done) => this.server.close(done));
  }
}
