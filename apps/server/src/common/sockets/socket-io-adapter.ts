import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { Socket } from 'socket.io';

/**
 * Nest's Socket.IO adapter, minus the per-socket RxJS work for gateways without @SubscribeMessage handlers (all of
 * Avisa's: their listeners are plain `socket.on`). The stock adapter builds a `disconnect$` pipeline for every
 * socket even when there is no handler to stop with it; at ten thousand sites that is memory and CPU per
 * connection for nothing.
 */
export class SocketIoAdapter extends IoAdapter {
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    if (handlers.length) super.bindMessageHandlers(socket, handlers, transform);
  }
}
