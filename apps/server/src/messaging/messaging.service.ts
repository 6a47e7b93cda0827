import { Injectable } from '@nestjs/common';
import {
  emptyDeliveryCounts,
  type AlertPayload,
  type DeliveryCounts,
  type MessageDetailResponse,
  type MessageResponse,
  type Page,
  type ReceiptPayload,
  type SendMessageResponse,
  normalizeGroupName,
} from '@avisa/contracts';
import { randomUUID } from 'node:crypto';
import { Actor, Principal } from '../common/actor';
import { rangeEnd, rangeStart } from '../common/date-range';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { SendLimit } from './send-limit';
import { AppConfigService } from '../config/app-config.service';
import { toIso } from '../database/columns';
import { ReceiverHub } from '../fanout/receiver-hub';
import { FilesService } from '../files/files.service';
import { GroupAccessService } from '../groups/group-access.service';
import { GroupsService } from '../groups/groups.service';
import { ReceiversService } from '../receivers/receivers.service';
import {
  attachmentsOf,
  HistoryQueryDto,
  repliesOf,
  SendMessageDto,
  toDeliveryResponse,
  toMessageResponse,
} from './dto/message.dto';
import { DeliveryEntity, MessageEntity } from './message.entity';
import { type AlertMessage, MessagesRepository, type NewDelivery } from './messages.repository';
import { apiError, fieldError } from '../common/http/api-error';

/** An alert sent with ttlSeconds 0 still gets this long to reach the sites that were online. */
const ONLINE_ONLY_GRACE_MS = 5 * 60_000;

interface Targets {
  recipients: { id: number; name: string }[];
  unknown: string[];
  disabled: string[];
}

export interface PendingAlert {
  deliveryId: number;
  payload: AlertPayload;
}

export function toAlertPayload(message: AlertMessage, reminder = 0): AlertPayload {
  return {
    id: message.id,
    text: message.text,
    priority: message.priority,
    sender: message.senderDisplay,
    sentAt: toIso(message.createdAt)!,
    expiresAt: toIso(message.expiresAt),
    reminder,
    ...(message.replies ? { replies: repliesOf(message) } : {}),
    ...(message.attachments ? { attachments: attachmentsOf(message) } : {}),
  };
}

@Injectable()
export class MessagingService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly receivers: ReceiversService,
    private readonly hub: ReceiverHub,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly config: AppConfigService,
    private readonly groups: GroupsService,
    private readonly sendLimit: SendLimit,
    private readonly access: GroupAccessService,
    private readonly files: FilesService,
  ) {}

  async send(dto: SendMessageDto, principal: Principal, actor: Actor): Promise<SendMessageResponse> {
    const ttlSeconds = dto.ttlSeconds ?? this.config.get('AVISA_MESSAGE_DEFAULT_TTL_SECONDS');
    const maxTtl = this.config.get('AVISA_MESSAGE_MAX_TTL_SECONDS');
    if (ttlSeconds > maxTtl) throw fieldError('ttlSeconds', 'alert.ttl_too_long', { max: maxTtl });
    await this.access.assertMaySend(principal, actor, dto.target.kind, dto.target.name);
    // Checked before the send counts against the limit: a refused attachment sends nothing.
    const attachments = dto.attachments?.length ? await this.files.attachable(dto.attachments) : [];
    await this.sendLimit.take(principal);
    const { recipients, unknown, disabled } = await this.resolveTargets(dto);
    const online = await this.hub.online(recipients.map((r) => r.name));
    const now = this.clock.now();
    const message: MessageEntity = {
      id: randomUUID(),
      senderKind: actor.kind,
      senderName: actor.name,
      senderDisplay: principal.kind === 'user' ? principal.displayName : `token:${principal.name}`,
      targetKind: dto.target.kind,
      // A group target is stored under the group's own spelling, which the group limits compare with.
      targetName: dto.target.kind === 'all' ? null : targetNameOf(dto.target.kind, dto.target.name ?? ''),
      text: dto.text,
      priority: dto.priority ?? 'normal',
      ttlSeconds,
      createdAt: now,
      expiresAt: now + (ttlSeconds > 0 ? ttlSeconds * 1000 : ONLINE_ONLY_GRACE_MS),
      retractedAt: null,
      retractedBy: null,
      recipientCount: recipients.length,
      replies: dto.replies?.length ? JSON.stringify(dto.replies) : null,
      attachments: attachments.length ? JSON.stringify(attachments) : null,
    };
    const result: SendMessageResponse = { id: message.id, online: [], queued: [], dropped: [...disabled], unknown };
    // Online sites are recorded as sent in the same transaction: the push follows the commit at once, and a
    // copy that never arrives (a crash in between, a lost socket) is resent when its receipt does not come.
    const rows = recipients.map((r): NewDelivery => {
      const isOnline = online.has(r.name);
      const dropped = !isOnline && ttlSeconds === 0;
      (isOnline ? result.online : dropped ? result.dropped : result.queued).push(r.name);
      return {
        messageId: message.id,
        receiverId: r.id,
        receiverName: r.name,
        state: isOnline ? 'sent' : dropped ? 'expired' : 'queued',
        createdAt: now,
        expiresAt: message.expiresAt,
        sentAt: isOnline ? now : null,
        endedAt: dropped ? now : null,
        attempts: isOnline ? 1 : 0,
      };
    });
    await this.messages.insertAccepted({ message, rows });
    const payload = toAlertPayload(message);
    if (dto.target.kind === 'all') this.hub.sendAlertToAll(payload);
    else this.hub.sendAlert(result.online, payload);
    await this.events.emit('message.created', {
      actor,
      target: dto.target.kind === 'all' ? 'all' : `${dto.target.kind}:${dto.target.name}`,
      details: {
        id: message.id,
        priority: message.priority,
        ttlSeconds,
        recipients: recipients.length,
        online: result.online.length,
        queued: result.queued.length,
        ...(dto.replies?.length ? { replies: dto.replies } : {}),
        ...(attachments.length ? { attachments: attachments.map((a) => a.name) } : {}),
      },
      payload: { id: message.id, sender: message.senderName, priority: message.priority, createdAt: toIso(now)! },
    });
    return result;
  }

  /** What a receiver that just connected must get, oldest first. */
  async pending(receiverName: string): Promise<PendingAlert[]> {
    const rows = await this.messages.pendingFor(receiverName, this.clock.now());
    return rows.map((r) => ({ deliveryId: r.deliveryId, payload: toAlertPayload(r.message) }));
  }

  markPushed(deliveryIds: readonly number[]): Promise<void> {
    return this.messages.markPushed(deliveryIds, this.clock.now());
  }

  async retract(id: string, principal: Principal, actor: Actor): Promise<MessageResponse> {
    const message = await this.requireVisible(id, principal, actor, 'withdraw');
    if (message.retractedAt !== null) throw apiError('alert.already_withdrawn');
    const now = this.clock.now();
    const held = await this.messages.retract(id, actor.name, now);
    this.hub.sendRetract(held, { id });
    await this.events.emit('message.retracted', {
      actor,
      target: id,
      messageId: id,
      details: { toldSites: held.length },
    });
    return this.detail((await this.messages.findMessage(id))!);
  }

  /** One alert with every site's copy; outside a restricted operator's groups it answers as if it did not exist. */
  async get(id: string, principal: Principal): Promise<MessageDetailResponse> {
    return this.detail(await this.requireVisible(id, principal, null, 'see'));
  }

  /** Sent alerts, newest first; a restricted operator's are narrowed in the query, so pages and totals agree. */
  async history(query: HistoryQueryDto, principal: Principal): Promise<Page<MessageResponse>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const scope = await this.access.scopeOf(principal);
    const { items, total } = await this.messages.history({
      sender: query.sender,
      targetKind: query.targetKind,
      targetName: query.target,
      from: query.from ? rangeStart(query.from) : undefined,
      to: query.to ? rangeEnd(query.to) : undefined,
      text: query.q,
      within: scope.restricted ? scope : undefined,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    const ids = items.map((m) => m.id);
    const [counts, replied] = await Promise.all([this.messages.counts(ids), this.messages.repliedCounts(ids)]);
    return {
      items: items.map((m) => toMessageResponse(m, counts.get(m.id)!, replied.get(m.id)!)),
      total,
      page,
      pageSize,
    };
  }

  validateReceipt(payload: unknown): ReceiptPayload | string {
    if (!payload || typeof payload !== 'object') return 'receipt must be an object { id, state, at }';
    const { id, state, at, reply } = payload as Record<string, unknown>;
    if (typeof id !== 'string' || id.length > 64) return 'receipt.id must be an alert id';
    if (state !== 'delivered' && state !== 'read') return 'receipt.state must be "delivered" or "read"';
    const when = typeof at === 'string' ? at : new Date(this.clock.now()).toISOString();
    if (reply === undefined) return { id, state, at: when };
    if (state !== 'read') return 'receipt.reply goes only with state "read"';
    if (typeof reply !== 'string' || reply.length === 0 || reply.length > 64) return 'receipt.reply must be a text';
    return { id, state, at: when, reply };
  }

  private async resolveTargets(dto: SendMessageDto): Promise<Targets> {
    switch (dto.target.kind) {
      case 'all': {
        const all = await this.receivers.enabledSites();
        if (!all.length) throw apiError('site.none_enabled');
        return { recipients: all, unknown: [], disabled: [] };
      }
      case 'receiver': {
        const receiver = await this.receivers.findSite(dto.target.name ?? '');
        if (!receiver) throw fieldError('target.name', 'site.not_found', { name: dto.target.name ?? '' });
        if (!receiver.enabled) throw fieldError('target.name', 'site.disabled', { name: receiver.name });
        return { recipients: [{ id: receiver.id, name: receiver.name }], unknown: [], disabled: [] };
      }
      case 'group': {
        const group = await this.groups.membersForSending(dto.target.name ?? '');
        if (!group) throw fieldError('target.name', 'group.not_found', { name: dto.target.name ?? '' });
        const sites = await this.receivers.findSites(group.members);
        const known = new Map(sites.map((s) => [s.name, s]));
        const recipients = group.members
          .filter((m) => known.get(m)?.enabled)
          .map((m) => ({ id: known.get(m)!.id, name: m }));
        const disabled = group.members.filter((m) => known.has(m) && !known.get(m)!.enabled);
        const unknown = group.members.filter((m) => !known.has(m));
        if (!recipients.length) {
          throw fieldError('target.name', 'group.no_enabled_site', { name: dto.target.name ?? '', unknown });
        }
        return { recipients, unknown, disabled };
      }
    }
  }

  /**
   * The alert, if the caller may see it. One outside a restricted operator's groups answers 404 like a missing one,
   * so its existence is not told; an attempt to act on it (`actor` given) is audited.
   */
  private async requireVisible(
    id: string,
    principal: Principal,
    actor: Actor | null,
    what: string,
  ): Promise<MessageEntity> {
    const message = await this.messages.findMessage(id);
    if (!message) throw alertNotFound(id);
    const scope = await this.access.scopeOf(principal);
    if (scope.restricted && !(await this.messages.findMessage(id, scope))) {
      if (actor) await this.access.recordRefusal(actor, `${what} alert ${id}`);
      throw alertNotFound(id);
    }
    return message;
  }

  private async detail(message: MessageEntity): Promise<MessageDetailResponse> {
    const deliveries = await this.messages.deliveriesOf(message.id);
    return {
      ...toMessageResponse(message, countsOf(deliveries), deliveries.filter((d) => d.reply !== null).length),
      deliveries: deliveries.map(toDeliveryResponse),
    };
  }
}

const targetNameOf = (kind: 'receiver' | 'group', name: string) => (kind === 'group' ? normalizeGroupName(name) : name);

const alertNotFound = (id: string) => apiError('alert.not_found', { id });

export function countsOf(deliveries: readonly Pick<DeliveryEntity, 'state'>[]): DeliveryCounts {
  const counts = emptyDeliveryCounts();
  for (const d of deliveries) {
    counts[d.state] += 1;
    counts.total += 1;
  }
  return counts;
}
