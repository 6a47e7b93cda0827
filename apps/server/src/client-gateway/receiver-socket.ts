import type { ReceiverClientToServerEvents, ReceiverServerToClientEvents } from '@avisa/contracts';
import type { Socket } from 'socket.io';

/** What the handshake learnt about a site, kept on its socket for the connection's life. */
export interface ReceiverSocketData {
  name: string;
  receiverId: number;
  displayName: string;
  connectionId: string;
  clientVersion: string | null;
  address: string | null;
  since: number;
  /** The site's previous connection was held by an instance that died; its record is still open. */
  displaced: boolean;
}

export type ReceiverSocket = Socket<
  ReceiverClientToServerEvents,
  ReceiverServerToClientEvents,
  object,
  ReceiverSocketData
>;
