import { Injectable, Logger } from '@nestjs/common';
import {
  RECEIVER_CONNECT_ERRORS,
  type ReceiverConnectErrorCode,
  type ReceiverConnectErrorData,
} from '@avisa/contracts';
import { randomUUID } from 'node:crypto';
import { AttemptWindow, AttemptWindows } from '../cluster/attempt-windows';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { ReceiverHub } from '../fanout/receiver-hub';
import { ReceiversService } from '../receivers/receivers.service';
import type { ReceiverSocket } from './receiver-socket';

function refusal(
  code: ReceiverConnectErrorCode,
  retryAfterSeconds?: number,
): Error & { data: ReceiverConnectErrorData } {
  const data: ReceiverConnectErrorData = { code, retryAfterSeconds };
  return Object.assign(new Error(RECEIVER_CONNECT_ERRORS[code]), { data });
}

/**
 * The namespace's middleware: a site is let in with its name and key, at most once across instances; failed
 * handshakes are counted per address and refused for a while past the limit, and every refusal is audited.
 */
@Injectable()
export class ReceiverHandshake {
  private readonly logger = new Logger(ReceiverHandshake.name);
  private readonly failures: AttemptWindow;
  private readonly trustProxy: boolean;

  constructor(
    private readonly receivers: ReceiversService,
    private readonly hub: ReceiverHub,
    private readonly clock: Clock,
    private readonly events: EventBus,
    windows: AttemptWindows,
    config: AppConfigService,
  ) {
    this.failures = windows.create('handshake', config.get('AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE'), 60_000);
    this.trustProxy = config.get('AVISA_TRUST_PROXY');
  }

  /** Fills `socket.data`, or throws the refusal the site receives as its connect error. */
  async authenticate(socket: ReceiverSocket): Promise<void> {
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
      displacedSince: claim.displaced?.since ?? null,
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
