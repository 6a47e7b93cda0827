import type { GatewayMetadata } from '@nestjs/websockets';

/** Engine options shared by every namespace on the one Socket.IO server. */
export const SOCKET_OPTIONS: GatewayMetadata = {
  transports: ['websocket'],
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
  pingInterval: 25_000,
  pingTimeout: 20_000,
  perMessageDeflate: false,
  httpCompression: false,
};
