import { DestroyRef, Injectable, effect, inject } from '@angular/core';
import {
  OPERATORS_NAMESPACE,
  deliveryUpdatesOf,
  type DeliveryUpdatePayload,
  type MessageCreatedPayload,
  type OperatorServerToClientEvents,
  type PresencePayload,
} from '@avisa/contracts';
import { Subject } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import { ConnectionStatus } from './connection-status';
import { SessionStore } from './session.store';

/**
 * The live view pushed by the server on `/operators`: presence, new alerts, receipts and retractions.
 * One socket per tab, open while the tab has a session; Socket.IO reconnects by itself after a loss.
 */
@Injectable({ providedIn: 'root' })
export class LiveService {
  private readonly session = inject(SessionStore);
  private readonly connection = inject(ConnectionStatus);
  private socket: Socket<OperatorServerToClientEvents> | null = null;

  readonly presence$ = new Subject<PresencePayload>();
  readonly deliveryUpdated$ = new Subject<DeliveryUpdatePayload>();
  readonly messageCreated$ = new Subject<MessageCreatedPayload>();
  readonly messageRetracted$ = new Subject<{ id: string }>();
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
    const socket: Socket<OperatorServerToClientEvents> = io(OPERATORS_NAMESPACE, {
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
    this.socket = socket;
  }

  private close(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.connection.socket(null);
  }
}
