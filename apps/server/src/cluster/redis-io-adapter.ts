import type { INestApplicationContext } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { SocketIoAdapter } from '../common/sockets/socket-io-adapter';
import { RedisConnection } from './redis-connection';

/**
 * Socket.IO over Redis in multi-instance mode: a broadcast to a room reaches the sockets in it on every
 * instance, so an alert sent through one instance reaches sites connected to another, and receipts reach
 * operators wherever they are connected.
 */
export class RedisIoAdapter extends SocketIoAdapter {
  private readonly redis: RedisConnection;
  private readonly clients: Redis[] = [];

  constructor(app: INestApplicationContext) {
    super(app);
    this.redis = app.get(RedisConnection);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    const publisher = this.redis.connect('socket.io-pub');
    const subscriber = this.redis.connect('socket.io-sub');
    this.clients.push(publisher, subscriber);
    server.adapter(createAdapter(publisher, subscriber, { key: this.redis.key('socket.io') }));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.all(this.clients.map((c) => c.quit().catch(() => undefined)));
  }
}
