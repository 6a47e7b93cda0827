import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import {
  PROTOCOL_VERSION,
  RECEIVERS_NAMESPACE,
  RECEIVER_CONNECT_ERRORS,
  type ReceiptAck,
  type ReceiverClientToServerEvents,
  type ReceiverConnectErrorCode,
  type ReceiverServerToClientEvents,
} from '@avisa/contracts';
import { randomUUID } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { toIso } from '../database/columns';
import { AttemptWindow, AttemptWindows } from '../cluster/attempt-windows';
import { JobRunner } from '../cluster/job-runner';
import { PresenceInfo, ReceiverHub, receiverRoom } from '../fanout/receiver-hub';
import { MessagingService } from '../messaging/messaging.service';
import { ReceiptsService } from '../messaging/receipts.service';
import { ConnectionJournal } from '../receivers/connection-journal';
import { ReceiversRepository } from '../receivers/receivers.repository';
import { ReceiversService } from '../receivers/receivers.service';
import { SOCKET_OPTIONS } from './socket-options';

interface ReceiverSocketData {
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

type ReceiverSocket = Socket<ReceiverClientToServerEvents, ReceiverServerToClientEvents, object, ReceiverSocketData>;

function refusal(code: ReceiverConnectErrorCode, retryAfterSeconds?: number): Error & { data: object } {
  return Object.assign(new Error(RECEIVER_CONNECT_ERRORS[code]), { data: { code, retryAfterSeconds } });
}

/** The receivers' Socket.IO namespace: handshake authentication, presence, catch-up and receipts. */
@WebSocketGateway({ ...SOCKET_OPTIONS, namespace: RECEIVERS_NAMESPACE })
export class ClientGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationBootstrap {
  private readonly logger = new Logger(ClientGateway.name);
  private readonly failures: AttemptWindow;
  private readonly sweepMs: number;
  private readonly trustProxy: boolean;

  constructor(
    private readonly receivers: ReceiversService,
    private readonly receiversRepository: ReceiversRepository,
    private readonly journal: ConnectionJournal,
    private readonly messaging: MessagingService,
    private readonly receipts: ReceiptsService,
    private readonly hub: ReceiverHub,
    private readonly jobs: JobRunner,
    private readonly clock: Clock,
    private readonly events: EventBus,
    windows: AttemptWindows,
    config: AppConfigService,
  ) {
    this.failures = windows.create('handshake', config.get('AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE'), 60_000);
    this.trustProxy = config.get('AVISA_TRUST_PROXY');
    this.sweepMs = Math.max(1000, (config.get('AVISA_PRESENCE_TTL_SECONDS') * 1000) / 3);
  }

  /**
   * Connection records left open by a previous run are closed, except those of sites connected right now
   * to another instance. Rows are read before presence: a site opening a row has already claimed its presence.
   */
  async onApplicationBootstrap(): Promise<void> {
    const open = await this.receiversRepository.openConnectionReceivers();
    const present = new Set((await this.hub.allPresence()).map((p) => p.receiverId));
    const stale = open.filter((id) => !present.has(id));
    const closed = await this.receiversRepository.closeOpen(stale, this.clock.now(), 'server restart');
    if (closed) this.logger.warn(`closed ${closed} connection record(s) left open by the previous run`);
    this.jobs.every('presence-sweep', this.sweepMs, () => this.sweepLostPresence());
  }

  /** Sites held by an instance that died: offline, their connection records closed (once, by one instance). */
  async sweepLostPresence(): Promise<void> {
    const lost = await this.hub.sweepLost();
    const now = this.clock.now();
    for (const site of lost) await this.ended(site, now, 'server instance lost');
    if (lost.length) this.logger.warn(`${lost.length} site(s) lost with a server instance`);
  }

  private async ended(site: Pick<PresenceInfo, 'name' | 'receiverId' | 'clientVersion'>, at: number, why: string) {
    this.journal.closed(site.receiverId, at, why);
    await this.events.emit('receiver.presence', {
      name: site.name,
      online: false,
      connectedSince: null,
      lastSeenAt: toIso(at),
      clientVersion: site.clientVersion,
    });
  }

  afterInit(namespace: Namespace): void {
    this.hub.attach(namespace);
    namespace.use((socket, next) => {
      this.authenticate(socket as ReceiverSocket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
  }

  async handleConnection(socket: ReceiverSocket): Promise<void> {
    const data = socket.data;
    if (!data.name) return;
    // What the handshake gave is in socket.data now; the site's key need not stay in memory for the connection's life.
    socket.handshake.auth = {};
    // A plain listener rather than @SubscribeMessage: Nest builds an RxJS pipeline per socket and handler,
    // which at ten thousand sites is a large share of the memory each connection costs.
    socket.on('receipt', (body: unknown, ack?: unknown) => {
      void this.receipt(socket, body).then((answer) => typeof ack === 'function' && ack(answer));
    });
    await socket.join(receiverRoom(data.name));
    if (data.displaced) this.journal.closed(data.receiverId, data.since, 'server instance lost');
    this.journal.opened(data.receiverId, data.since, data.address, data.clientVersion);
    await this.events.emit('receiver.presence', {
      name: data.name,
      online: true,
      connectedSince: toIso(data.since),
      lastSeenAt: toIso(data.since),
      clientVersion: data.clientVersion,
    });
    const pending = await this.messaging.pending(data.name);
    socket.emit('welcome', {
      name: data.name,
      displayName: data.displayName,
      serverTime: new Date(this.clock.now()).toISOString(),
      protocol: PROTOCOL_VERSION,
      pending: pending.length,
    });
    for (const alert of pending) socket.emit('alert', alert.payload);
    if (pending.length) await this.messaging.markPushed(pending.map((p) => p.deliveryId));
    this.logger.debug(`site ${data.name} connected from ${data.address ?? '?'} (${pending.length} pending)`);
  }

  async handleDisconnect(socket: ReceiverSocket, reason?: string): Promise<void> {
    const data = socket.data;
    if (!data.name || !(await this.hub.release(data.name, data.connectionId))) return;
    const why = (await this.hub.takeEndReason(data.name)) ?? reason ?? 'disconnected';
    await this.ended(data, this.clock.now(), why);
    this.logger.debug(`site ${data.name} disconnected (${why})`);
  }

  async receipt(socket: ReceiverSocket, body: unknown): Promise<ReceiptAck> {
    const receipt = this.messaging.validateReceipt(body);
    if (typeof receipt === 'string') return { ok: false, error: receipt };
    try {
      await this.receipts.record(socket.data.name, receipt);
      return { ok: true };
    } catch {
      return { ok: false, error: 'the receipt could not be stored; send it again' };
    }
  }

  private async authenticate(socket: ReceiverSocket): Promise<void> {
    const address = this.clientAddress(socket);
    const ipKey = address ?? 'unknown';
    const wait = await this.failures.retryAfterSeconds(ipKey, this.clock.now());
    if (wait) {
      this.logger.warn(`refused a site handshake from ${ipKey}: too many failed attempts (retry in ${wait} s)`);
      throw refusal('too_many_attempts', wait);
    }
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    if (typeof auth.name !== 'string' || typeof auth.key !== 'string') {
      await this.failures.record(ipKey, this.clock.now());
      this.logger.warn(`refused a site handshake from ${ipKey}: no name or key`);
      throw refusal('bad_request');
    }
    const result = await this.receivers.authenticate(auth.name, auth.key);
    if (!result.ok) {
      await this.failures.record(ipKey, this.clock.now());
      await this.refused(auth.name, address, result.code);
      throw refusal(result.code);
    }
    const receiver = result.receiver;
    const clientVersion = typeof auth.clientVersion === 'string' ? auth.clientVersion.slice(0, 64) : null;
    const since = this.clock.now();
    const connectionId = randomUUID();
    const claim = await this.hub.claim({
      name: receiver.name,
      receiverId: receiver.id,
      connectionId,
      since,
      clientVersion,
      address,
    });
    if (!claim.ok) {
      await this.refused(receiver.name, address, 'already_connected');
      throw refusal('already_connected');
    }
    socket.data = {
      name: receiver.name,
      receiverId: receiver.id,
      displayName: receiver.displayName,
      connectionId,
      clientVersion,
      address,
      since,
      displaced: claim.displaced !== null,
    };
  }

  /** Behind the operator's own proxy (AVISA_TRUST_PROXY) the site's address is the first X-Forwarded-For entry, as for HTTP. */
  private clientAddress(socket: ReceiverSocket): string | null {
    const forwarded = this.trustProxy ? socket.handshake.headers['x-forwarded-for'] : undefined;
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    return first || socket.handshake.address || null;
  }

  private async refused(name: string, address: string | null, code: ReceiverConnectErrorCode): Promise<void> {
    this.logger.warn(`refused site connection "${name.slice(0, 64)}" from ${address ?? '?'}: ${code}`);
    await this.events.emit('receiver.connection.refused', {
      actor: { kind: 'anonymous', id: null, name: `site:${name.slice(0, 64).toLowerCase()}`, ip: address },
      target: name.slice(0, 64).toLowerCase(),
      details: { reason: code },
    });
  }
}
