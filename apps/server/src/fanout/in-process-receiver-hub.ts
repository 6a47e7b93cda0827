import { Injectable } from '@nestjs/common';
import type { AlertPayload, ReceiverDisconnectCode, RetractPayload, UpdateOfferPayload } from '@avisa/contracts';
import type { Namespace } from 'socket.io';
import { ClaimResult, disconnectReason, END_REASONS, PresenceInfo, ReceiverHub, receiverRoom } from './receiver-hub';

/** One server: presence in memory, pushes straight to the local sockets. */
@Injectable()
export class InProcessReceiverHub extends ReceiverHub {
  private readonly connected = new Map<string, PresenceInfo>();
  private readonly endReasons = new Map<string, string>();
  private namespace?: Namespace;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  async claim(info: PresenceInfo): Promise<ClaimResult> {
    if (this.connected.has(info.name)) return { ok: false };
    this.connected.set(info.name, info);
    return { ok: true, displaced: null };
  }

  async release(name: string, connectionId: string): Promise<boolean> {
    if (this.connected.get(name)?.connectionId !== connectionId) return false;
    this.connected.delete(name);
    return true;
  }

  async presence(name: string): Promise<PresenceInfo | null> {
    return this.connected.get(name) ?? null;
  }

  async allPresence(): Promise<PresenceInfo[]> {
    return [...this.connected.values()];
  }

  async online(names: readonly string[]): Promise<Set<string>> {
    return new Set(names.filter((n) => this.connected.has(n)));
  }

  async connectedSince(names: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const name of names) {
      const since = this.connected.get(name)?.since;
      if (since !== undefined) found.set(name, since);
    }
    return found;
  }

  sendAlert(names: readonly string[], payload: AlertPayload): void {
    if (names.length) this.namespace?.to(names.map(receiverRoom)).emit('alert', payload);
  }

  sendAlertToAll(payload: AlertPayload): void {
    this.namespace?.emit('alert', payload);
  }

  sendRetract(names: readonly string[], payload: RetractPayload): void {
    if (names.length) this.namespace?.to(names.map(receiverRoom)).emit('retract', payload);
  }

  sendUpdate(names: readonly string[], payload: UpdateOfferPayload): void {
    if (names.length) this.namespace?.to(names.map(receiverRoom)).emit('update', payload);
  }

  async disconnect(name: string, code: ReceiverDisconnectCode): Promise<void> {
    const reason = END_REASONS[code];
    // Only a live connection gets the reason; kept for an offline site, it would end its next connection.
    if (this.connected.has(name)) this.endReasons.set(name, reason);
    // One room, one publisher: the reason reaches the site before the disconnection does.
    this.namespace?.to(receiverRoom(name)).emit('disconnect_reason', disconnectReason(code));
    this.namespace?.in(receiverRoom(name)).disconnectSockets(true);
  }

  async takeEndReason(name: string): Promise<string | null> {
    const reason = this.endReasons.get(name) ?? null;
    this.endReasons.delete(name);
    return reason;
  }

  async sweepLost(): Promise<PresenceInfo[]> {
    return [];
  }
}
