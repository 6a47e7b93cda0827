import { OnApplicationBootstrap } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { RECEIVERS_NAMESPACE } from '@avisa/contracts';
import type { Namespace } from 'socket.io';
import { ReceiverHub, receiverRoom } from '../fanout/receiver-hub';
import { ReceiverUpdatesService } from '../receiver-packages/receiver-updates.service';
import { ReceiverCatchUp } from './receiver-catch-up';
import { ReceiverHandshake } from './receiver-handshake';
import { ReceiverPresence } from './receiver-presence';
import type { ReceiverSocket } from './receiver-socket';
import { SOCKET_OPTIONS } from './socket-options';

/**
 * The receivers' Socket.IO namespace. It only wires: the handshake lets a site in, presence records it, catch-up
 * sends what waited and answers its receipts, updates offers a newer receiver and hears how it went.
 *
 * Listeners are plain `socket.on` rather than @SubscribeMessage: Nest builds an RxJS pipeline per socket and
 * handler, which at ten thousand sites is a large share of the memory each connection costs.
 */
@WebSocketGateway({ ...SOCKET_OPTIONS, namespace: RECEIVERS_NAMESPACE })
export class ClientGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationBootstrap {
  constructor(
    private readonly handshake: ReceiverHandshake,
    private readonly presence: ReceiverPresence,
    private readonly catchUp: ReceiverCatchUp,
    private readonly hub: ReceiverHub,
    private readonly updates: ReceiverUpdatesService,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.presence.start();
  }

  afterInit(namespace: Namespace): void {
    this.hub.attach(namespace);
    namespace.use((socket, next) => {
      this.handshake.authenticate(socket as ReceiverSocket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
  }

  async handleConnection(socket: ReceiverSocket): Promise<void> {
    const site = socket.data;
    if (!site.name) return;
    // What the handshake gave is in socket.data now; the site's key need not stay in memory for the connection's life.
    socket.handshake.auth = {};
    socket.on('receipt', (body: unknown, ack?: unknown) => {
      void this.catchUp.receipt(site.name, body).then((answer) => typeof ack === 'function' && ack(answer));
    });
    socket.on('update_status', (body: unknown, ack?: unknown) => {
      void this.updates.report(site.name, body).then((answer) => typeof ack === 'function' && ack(answer));
    });
    await socket.join(receiverRoom(site.name));
    await this.presence.connected(site);
    await this.catchUp.welcome(socket);
    await this.updates.offerOnConnect(site, (offer) => socket.emit('update', offer));
  }

  async handleDisconnect(socket: ReceiverSocket, reason?: string): Promise<void> {
    if (socket.data.name) await this.presence.disconnected(socket.data, reason);
  }
}
