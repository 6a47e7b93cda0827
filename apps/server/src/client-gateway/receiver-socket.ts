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
  /** When the site's previous connection began, if an instance that died held it: its record is still open. */
  displacedSince: number | null;
}

export type ReceiverSocket = Socket<
  ReceiverClientToServerEvents,
  ReceiverServerToClientEvents,
  object,
  ReceiverSocketData
>;
