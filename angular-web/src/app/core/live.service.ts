import { DestroyRef, Injectable, effect, inject } from '@angular/core';
import {
  OPERATORS_NAMESPACE,
  deliveryUpdatesOf,
  type DeliveryUpdatePayload,
  type FileResponse,
  type MessageCreatedPayload,
  type OperatorClientToServerEvents,
  type OperatorServerToClientEvents,
  type PresencePayload,
  type RoomListChangePayload,
  type RoomMembershipPayload,
  type RoomMessageResponse,
  type RoomReadResponse,
  type RoomReceiptsPayload,
  type RoomTypingPayload,
} from '@avisa/contracts';
import { Subject } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import { ConnectionStatus } from './connection-status';
import { SessionStore } from './session.store';

type LiveSocket = Socket<OperatorServerToClientEvents, OperatorClientToServerEvents>;

/**
 * The live view pushed by the server on `/operators`: presence, new alerts, receipts and retractions for the staff,
 * and every user's chat rooms and shared files.
 * One socket per tab, open while the tab has a session; Socket.IO reconnects by itself after a loss.
 */
@Injectable({ providedIn: 'root' })
export class LiveService {
  private readonly session = inject(SessionStore);
  private readonly connection = inject(ConnectionStatus);
  private socket: LiveSocket | null = null;

  readonly presence$ = new Subject<PresencePayload>();
  readonly deliveryUpdated$ = new Subject<DeliveryUpdatePayload>();
  readonly messageCreated$ = new Subject<MessageCreatedPayload>();
  readonly messageRetracted$ = new Subject<{ id: string }>();
  readonly roomMessage$ = new Subject<RoomMessageResponse>();
  readonly roomMessageUpdated$ = new Subject<RoomMessageResponse>();
  readonly roomMembership$ = new Subject<RoomMembershipPayload>();
  readonly roomTyping$ = new Subject<RoomTypingPayload>();
  readonly roomReceipts$ = new Subject<RoomReceiptsPayload>();
  readonly roomDeleted$ = new Subject<{ roomId: number }>();
  readonly roomList$ = new Subject<RoomListChangePayload>();
  readonly roomRead$ = new Subject<RoomReadResponse>();
  readonly fileUpdated$ = new Subject<FileResponse>();
  readonly fileDeleted$ = new Subject<{ id: string }>();
  /** Emits after a reconnect: screens reload what they may have missed while the socket was down. */
  readonly resynced$ = new Subject<void>();

  constructor() {
    effect(() => {
      const token = this.session.token();
      this.close();
      if (token) this.open(token);
    });
    inject(DestroyRef).onDestroy(() => this.close());
  }

  private open(token: string): void {
    const socket: LiveSocket = io(OPERATORS_NAMESPACE, {
      transports: ['websocket'],
      auth: { token },
      reconnectionDelayMax: 10_000,
    });
    let wasConnected = false;
    socket.on('connect', () => {
      this.connection.socket(true);
      if (wasConnected) this.resynced$.next();
      wasConnected = true;
    });
    socket.on('disconnect', (reason) => {
      // A server-side disconnect is not retried by Socket.IO; it only happens when the session ended.
      if (reason !== 'io client disconnect') this.connection.socket(false);
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (error.data?.code === 'unauthorized') {
        this.session.expire();
        return;
      }
      this.connection.socket(false);
    });
    socket.on('session.ended', () => this.session.expire());
    socket.on('receiver.presence', (p) => this.presence$.next(p));
    socket.on('deliveries.updated', (batch) => {
      for (const update of deliveryUpdatesOf(batch)) this.deliveryUpdated$.next(update);
    });
    socket.on('message.created', (p) => this.messageCreated$.next(p));
    socket.on('message.retracted', (p) => this.messageRetracted$.next(p));
    socket.on('room.message', (p) => this.roomMessage$.next(p));
    socket.on('room.message.updated', (p) => this.roomMessageUpdated$.next(p));
    socket.on('room.membership', (p) => this.roomMembership$.next(p));
    socket.on('room.typing', (p) => this.roomTyping$.next(p));
    socket.on('room.receipts', (p) => this.roomReceipts$.next(p));
    socket.on('room.deleted', (p) => this.roomDeleted$.next(p));
    socket.on('room.list', (p) => this.roomList$.next(p));
    socket.on('room.read', (p) => this.roomRead$.next(p));
    socket.on('file.updated', (p) => this.fileUpdated$.next(p));
    socket.on('file.deleted', (p) => this.fileDeleted$.next(p));
    this.socket = socket;
  }

  /** Tells the server something over the socket (typing, delivered); dropped while disconnected. */
  send<K extends keyof OperatorClientToServerEvents>(
    event: K,
    payload: Parameters<OperatorClientToServerEvents[K]>[0],
  ): void {
    if (!this.socket?.connected) return;
    (this.socket.emit as (e: string, p: unknown) => void)(event, payload);
  }

  private close(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.connection.socket(null);
  }
}
