import { Injectable } from '@nestjs/common';
import {
  emptyDeliveryCounts,
  type ActorKind,
  type AlertAttachment,
  type Priority,
  type ScheduledMessageResponse,
  type TargetKind,
  type AlertPayload,
  type DeliveryCounts,
  type MessageDetailResponse,
  type MessageResponse,
  type Page,
  type ReceiptPayload,
  type SendMessageResponse,
  normalizeGroupName,
} from '@avisa/contracts';
import { AuditService } from '../audit/audit.service';
import { Actor, Principal } from '../common/actor';
import { rangeEnd, rangeStart } from '../common/date-range';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { timeOrderedUuid } from '../common/system/time-ordered-uuid';
import { SendLimit } from './send-limit';
import { AppConfigService } from '../config/app-config.service';
import { toIso } from '../database/columns';
import { ReceiverHub } from '../fanout/receiver-hub';
import { FilesService } from '../files/files.service';
import { GroupAccessService, type GroupScope } from '../groups/group-access.service';
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
import { AlertTemplates } from './alert-templates';
import { DeliveryEntity, MessageEntity } from './message.entity';
import { ScheduledMessageEntity } from './scheduled-message.entity';
import { ScheduledMessagesRepository } from './scheduled-messages.repository';
import { sendAtOf, toScheduledMessageResponse } from './dto/scheduled-message.dto';
import { type AlertMessage, MessagesRepository, type NewDelivery } from './messages.repository';
import { apiError, fieldError } from '../common/http/api-error';

/** An alert sent with ttlSeconds 0 still gets this long to reach the sites that were online. */
const ONLINE_ONLY_GRACE_MS = 5 * 60_000;

/** An alert ready to go out: checked, with its sender and id. */
export interface OutgoingAlert {
  id: string;
  sender: { kind: ActorKind; id: number | null; name: string; display: string };
  target: { kind: TargetKind; name?: string };
  text: string;
  priority: Priority;
  ttlSeconds: number;
  replies: string[];
  attachments: AlertAttachment[];
}

interface Targets {
  recipients: readonly { readonly id: number; readonly name: string }[];
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
    private readonly templates: AlertTemplates,
    private readonly scheduledMessages: ScheduledMessagesRepository,
    private readonly audit: AuditService,
  ) {}

  /** Sends an alert now, or, with `sendAt`, stores it to be sent then (answered once committed). */
  async send(
    dto: SendMessageDto,
    principal: Principal,
    actor: Actor,
  ): Promise<SendMessageResponse | ScheduledMessageResponse> {
    const ttlSeconds = this.ttlOf(dto.ttlSeconds);
    const sendAt = dto.sendAt === undefined ? null : sendAtOf(dto.sendAt, this.clock.now());
    await this.access.assertMaySend(principal, actor, dto.target.kind, dto.target.name);
    // Checked before the send counts against the limit: a refused attachment sends nothing.
    const attachments = dto.attachments?.length ? await this.files.attachable(dto.attachments) : [];
    await this.sendLimit.take(principal);
    const alert: OutgoingAlert = {
      id: timeOrderedUuid(this.clock.now()),
      sender: {
        kind: actor.kind,
        id: actor.id,
        name: actor.name,
        display: principal.kind === 'user' ? principal.displayName : `token:${principal.name}`,
      },
      target: dto.target,
      text: dto.text,
      priority: dto.priority ?? 'normal',
      ttlSeconds,
      replies: dto.replies ?? [],
      attachments,
    };
    if (sendAt !== null) return this.schedule(alert, sendAt, actor);
    return this.deliver(alert, actor);
  }

  /** Refuses a target that cannot be sent to now, as a send would (404, 409). */
  async checkTarget(target: OutgoingAlert['target']): Promise<void> {
    await this.resolveTargets(target);
  }

  private async schedule(alert: OutgoingAlert, sendAt: number, actor: Actor): Promise<ScheduledMessageResponse> {
    await this.checkTarget(alert.target);
    const now = this.clock.now();
    const entity: ScheduledMessageEntity = {
      id: alert.id,
      state: 'scheduled',
      senderKind: alert.sender.kind,
      senderId: alert.sender.id,
      senderName: alert.sender.name,
      senderDisplay: alert.sender.display,
      targetKind: alert.target.kind,
      targetName: alert.target.kind === 'all' ? null : targetNameOf(alert.target.kind, alert.target.name ?? ''),
      text: alert.text,
      priority: alert.priority,
      ttlSeconds: alert.ttlSeconds,
      replies: alert.replies.length ? JSON.stringify(alert.replies) : null,
      attachments: alert.attachments.length ? JSON.stringify(alert.attachments) : null,
      sendAt,
      createdAt: now,
      updatedAt: now,
      endedBy: null,
      problem: null,
    };
    await this.scheduledMessages.insert(entity);
    await this.events.emit('message.scheduled', {
      actor,
      target: targetLabel(alert.target),
      details: { id: entity.id, sendAt: toIso(sendAt), priority: entity.priority, ttlSeconds: entity.ttlSeconds },
    });
    return toScheduledMessageResponse(entity);
  }

  /**
   * A scheduled alert whose time has come, sent as any other under its own id; null when a stopped server had
   * already sent it. Its target and attachments are resolved now: a refusal (HttpException) means it cannot go out.
   */
  async sendScheduled(scheduled: ScheduledMessageEntity): Promise<SendMessageResponse | null> {
    if (await this.messages.findMessage(scheduled.id)) return null;
    const ids = scheduled.attachments ? attachmentsOf(scheduled).map((a) => a.id) : [];
    const alert: OutgoingAlert = {
      id: scheduled.id,
      sender: {
        kind: scheduled.senderKind,
        id: scheduled.senderId,
        name: scheduled.senderName,
        display: scheduled.senderDisplay,
      },
      target: { kind: scheduled.targetKind, name: scheduled.targetName ?? undefined },
      text: scheduled.text,
      priority: scheduled.priority,
      ttlSeconds: scheduled.ttlSeconds,
      replies: repliesOf(scheduled),
      attachments: ids.length ? await this.files.attachable(ids) : [],
    };
    const actor: Actor = { kind: scheduled.senderKind, id: scheduled.senderId, name: scheduled.senderName, ip: null };
    return this.deliver(alert, actor, { scheduledFor: toIso(scheduled.sendAt) });
  }

  /** Fails with 400 naming ttlSeconds above the configured maximum; the default when not given. */
  ttlOf(ttlSeconds: number | undefined): number {
    const ttl = ttlSeconds ?? this.config.get('AVISA_MESSAGE_DEFAULT_TTL_SECONDS');
    const maxTtl = this.config.get('AVISA_MESSAGE_MAX_TTL_SECONDS');
    if (ttl > maxTtl) throw fieldError('ttlSeconds', 'alert.ttl_too_long', { max: maxTtl });
    return ttl;
  }

  private async deliver(
    alert: OutgoingAlert,
    actor: Actor,
    extraDetails: Record<string, unknown> = {},
  ): Promise<SendMessageResponse> {
    const { ttlSeconds, attachments, target } = alert;
    const { recipients, unknown, disabled } = await this.resolveTargets(target);
    const online = await this.hub.online(recipients.map((r) => r.name));
    const now = this.clock.now();
    const message: MessageEntity = {
      id: alert.id,
      senderKind: alert.sender.kind,
      senderName: alert.sender.name,
      senderDisplay: alert.sender.display,
      targetKind: target.kind,
      // A group target is stored under the group's own spelling, which the group limits compare with.
      targetName: target.kind === 'all' ? null : targetNameOf(target.kind, target.name ?? ''),
      text: alert.text,
      priority: alert.priority,
      ttlSeconds,
      createdAt: now,
      expiresAt: now + (ttlSeconds > 0 ? ttlSeconds * 1000 : ONLINE_ONLY_GRACE_MS),
      retractedAt: null,
      retractedBy: null,
      recipientCount: recipients.length,
      replies: alert.replies.length ? JSON.stringify(alert.replies) : null,
      attachments: attachments.length ? JSON.stringify(attachments) : null,
    };
    const result: SendMessageResponse = { id: message.id, online: [], queued: [], dropped: [...disabled], unknown };
    // Online sites are recorded as sent: the push follows the commit at once, and a copy that never arrives (a crash
    // in between, a lost socket) is resent when its receipt does not come. An alert to a set of sites commits the
    // plan of its rows and writes them just after the push (MessagesRepository), so the first site does not wait.
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
    const created = {
      actor,
      target: targetLabel(target),
      details: {
        id: message.id,
        priority: message.priority,
        ttlSeconds,
        recipients: recipients.length,
        online: result.online.length,
        queued: result.queued.length,
        ...(alert.replies.length ? { replies: alert.replies } : {}),
        ...(attachments.length ? { attachments: attachments.map((a) => a.name) } : {}),
        ...extraDetails,
      },
    };
    // The audit entry commits with the alert: the answer waits for one commit, not for the alert's and then its own.
    const audit = this.audit.along({ action: 'message.created', ...created });
    await this.messages.insertAccepted({
      message,
      rows,
      rowsAfterPush: target.kind !== 'receiver',
      alongside: [audit],
    });
    audit.committed();
    const payload = toAlertPayload(message);
    if (this.templates.isTemplate(payload)) await this.templates.sendEach(result.online, payload);
    else if (target.kind === 'all') this.hub.sendAlertToAll(payload);
    else this.hub.sendAlert(result.online, payload);
    await this.events.emit('message.created', {
      ...created,
      payload: { id: message.id, sender: message.senderName, priority: message.priority, createdAt: toIso(now)! },
    });
    return result;
  }

  /** What a receiver that just connected must get, oldest first. */
  async pending(receiverName: string, displayName: string | null = null): Promise<PendingAlert[]> {
    const rows = await this.messages.pendingFor(receiverName, this.clock.now());
    return rows.map((r) => {
      const payload = toAlertPayload(r.message);
      const own = this.templates.isTemplate(payload)
        ? this.templates.fillFor(payload, displayName || receiverName)
        : payload;
      return { deliveryId: r.deliveryId, payload: own };
    });
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
      priority: query.priority,
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

  /** The alerts sent since `since` that `scope` sees, and how many of their copies were read. */
  sentSince(since: number, scope: GroupScope): Promise<{ alerts: number; copies: number; read: number }> {
    return this.messages.sentSince(since, limitOf(scope));
  }

  /** How many alerts `scope` sees fall in each period that starts at `starts` (sorted; the last one open-ended). */
  countPerPeriod(starts: readonly number[], scope: GroupScope): Promise<number[]> {
    return this.messages.countPerPeriod(starts, limitOf(scope));
  }

  /** The newest alerts `scope` sees, with their counts. */
  async latest(limit: number, scope: GroupScope): Promise<MessageResponse[]> {
    const items = await this.messages.latest(limit, limitOf(scope));
    const ids = items.map((m) => m.id);
    const [counts, replied] = await Promise.all([this.messages.counts(ids), this.messages.repliedCounts(ids)]);
    return items.map((m) => toMessageResponse(m, counts.get(m.id)!, replied.get(m.id)!));
  }

  /**
   * Urgent alerts still valid that some sites left unread after every reminder (the deliveries the reminder job
   * flagged), newest first, with the first `sitesListed` of those sites by name. An alert is valid for at most the
   * longest validity, so only that window of alerts is read.
   */
  async flaggedUnread(
    limit: number,
    sitesListed: number,
    scope: GroupScope,
  ): Promise<
    { id: string; text: string; senderDisplay: string; createdAt: string; sites: number; siteNames: string[] }[]
  > {
    const now = this.clock.now();
    const since = now - this.config.get('AVISA_MESSAGE_MAX_TTL_SECONDS') * 1000 - ONLINE_ONLY_GRACE_MS;
    const found = await this.messages.flaggedUnread(since, now, limit, limitOf(scope));
    return Promise.all(
      found.map(async ({ message, sites }) => ({
        id: message.id,
        text: message.text,
        senderDisplay: message.senderDisplay,
        createdAt: toIso(message.createdAt)!,
        sites,
        siteNames: await this.messages.flaggedUnreadSites(message.id, sitesListed),
      })),
    );
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

  private async resolveTargets(target: OutgoingAlert['target']): Promise<Targets> {
    switch (target.kind) {
      case 'all': {
        const all = await this.receivers.enabledSites();
        if (!all.length) throw apiError('site.none_enabled');
        return { recipients: all, unknown: [], disabled: [] };
      }
      case 'receiver': {
        const receiver = await this.receivers.findSite(target.name ?? '');
        if (!receiver) throw fieldError('target.name', 'site.not_found', { name: target.name ?? '' });
        if (!receiver.enabled) throw fieldError('target.name', 'site.disabled', { name: receiver.name });
        return { recipients: [{ id: receiver.id, name: receiver.name }], unknown: [], disabled: [] };
      }
      case 'group': {
        const group = await this.groups.membersForSending(target.name ?? '');
        if (!group) throw fieldError('target.name', 'group.not_found', { name: target.name ?? '' });
        const sites = await this.receivers.findSites(group.members);
        const known = new Map(sites.map((s) => [s.name, s]));
        const recipients = group.members
          .filter((m) => known.get(m)?.enabled)
          .map((m) => ({ id: known.get(m)!.id, name: m }));
        const disabled = group.members.filter((m) => known.has(m) && !known.get(m)!.enabled);
        const unknown = group.members.filter((m) => !known.has(m));
        if (!recipients.length) {
          throw fieldError('target.name', 'group.no_enabled_site', { name: target.name ?? '', unknown });
        }
        return { recipients, unknown, disabled };
      }
    }
  }

  /**
   * The alert, if the caller may see it. One outside a restricted operator's groups answers 404 like a missing one,
   * so its existence is not told; an attempt to act on it (`actor` given) is audited.
   */
  async requireVisible(id: string, principal: Principal, actor: Actor | null, what: string): Promise<MessageEntity> {
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

const limitOf = (scope: GroupScope) => (scope.restricted ? scope : undefined);

export const targetNameOf = (kind: 'receiver' | 'group', name: string) =>
  kind === 'group' ? normalizeGroupName(name) : name;

/** How the audit trail names an alert's target. */
export const targetLabel = (target: OutgoingAlert['target']) =>
  target.kind === 'all' ? 'all' : `${target.kind}:${target.name}`;

const alertNotFound = (id: string) => apiError('alert.not_found', { id });

export function countsOf(deliveries: readonly Pick<DeliveryEntity, 'state'>[]): DeliveryCounts {
  const counts = emptyDeliveryCounts();
  for (const d of deliveries) {
    counts[d.state] += 1;
    counts.total += 1;
  }
  return counts;
}
