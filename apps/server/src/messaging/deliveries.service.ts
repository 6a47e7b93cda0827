import { Injectable } from '@nestjs/common';
import { apiError } from '../common/http/api-error';
import { DELIVERIES_CSV_COLUMNS, type DeliveriesPage, type ResendUnreadResponse } from '@avisa/contracts';
import { stringify } from 'csv-stringify/sync';
import { Actor, Principal } from '../common/actor';
import { neutralizeFormula } from '../common/csv-cells';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { ReceiverHub } from '../fanout/receiver-hub';
import { AlertTemplates } from './alert-templates';
import { DeliveryAnnouncer } from './delivery-announcer';
import {
  DeliveriesFilterDto,
  DeliveriesQueryDto,
  toDeliveryCsvRow,
  toSiteDeliveryResponse,
} from './dto/deliveries.dto';
import { repliesOf, toMessageResponse } from './dto/message.dto';
import { MessageEntity } from './message.entity';
import { type DeliveriesFilter, MessagesRepository } from './messages.repository';
import { MessagingService, toAlertPayload } from './messaging.service';

const DEFAULT_PAGE_SIZE = 100;

/** One alert's copies site by site: the paged list, its CSV, and a reminder round to the sites that have not read it. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly messaging: MessagingService,
    private readonly messages: MessagesRepository,
    private readonly hub: ReceiverHub,
    private readonly templates: AlertTemplates,
    private readonly announcer: DeliveryAnnouncer,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async page(id: string, query: DeliveriesQueryDto, principal: Principal): Promise<DeliveriesPage> {
    const message = await this.messaging.requireVisible(id, principal, null, 'see');
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const [{ items, total }, counts, replied, tallies] = await Promise.all([
      this.messages.deliveriesPage(id, { ...filterOf(query), offset: (page - 1) * pageSize, limit: pageSize }),
      this.messages.counts([id]),
      this.messages.repliedCounts([id]),
      this.messages.tallies(id),
    ]);
    return {
      message: toMessageResponse(message, counts.get(id)!, replied.get(id)!),
      items: items.map(toSiteDeliveryResponse),
      total,
      page,
      pageSize,
      replyTally: repliesOf(message).map((reply) => ({ reply, count: tallies.replies.get(reply) ?? 0 })),
      downloaded: tallies.downloaded,
    };
  }

  /** Every copy matching the filters, in the order asked, as CSV. */
  async export(
    id: string,
    query: DeliveriesFilterDto,
    principal: Principal,
  ): Promise<{ fileName: string; csv: string }> {
    await this.messaging.requireVisible(id, principal, null, 'see');
    const { items } = await this.messages.deliveriesPage(id, { ...filterOf(query), offset: 0 });
    const rows = items.map((item) => toDeliveryCsvRow(item).map(neutralizeFormula));
    return { fileName: `avisa-aviso-${id.slice(0, 8)}.csv`, csv: stringify([[...DELIVERIES_CSV_COLUMNS], ...rows]) };
  }

  /**
   * A new reminder round: the alert is shown again at every connected site that has not read it (a site that is
   * not connected gets a waiting copy when it connects, as always). Refused for a withdrawn or expired alert.
   */
  async resendUnread(id: string, principal: Principal, actor: Actor): Promise<ResendUnreadResponse> {
    const message = await this.messaging.requireVisible(id, principal, actor, 'resend');
    const now = this.clock.now();
    if (message.retractedAt !== null) throw apiError('alert.withdrawn');
    if (message.expiresAt <= now) throw apiError('alert.expired');
    const unread = await this.messages.unreadCopies(id, now);
    const online = await this.hub.online(unread.map((d) => d.receiverName));
    const told = unread.filter((d) => online.has(d.receiverName));
    await this.messages.recordResent(
      told.map((d) => d.id),
      now,
    );
    await this.tell(message, told);
    this.announcer.announce(
      told.map((d) => ({
        messageId: id,
        receiver: d.receiverName,
        state: d.state === 'delivered' ? d.state : 'sent',
        at: now,
        reminders: d.reminders + 1,
        flagged: d.flagged,
      })),
    );
    await this.events.emit('message.resent', {
      actor,
      target: id,
      details: { toldSites: told.length, notConnected: unread.length - told.length },
    });
    return { told: told.map((d) => d.receiverName), notConnected: unread.length - told.length };
  }

  /** Each site gets the reminder number after its last, so it shows the alert again even if it showed one before. */
  private async tell(message: MessageEntity, told: { receiverName: string; reminders: number }[]): Promise<void> {
    const byReminder = new Map<number, string[]>();
    for (const d of told) {
      const names = byReminder.get(d.reminders + 1);
      if (names) names.push(d.receiverName);
      else byReminder.set(d.reminders + 1, [d.receiverName]);
    }
    for (const [reminder, names] of byReminder) await this.templates.send(names, toAlertPayload(message, reminder));
  }
}

function filterOf(query: DeliveriesFilterDto): Omit<DeliveriesFilter, 'offset'> {
  return {
    states: query.state,
    text: query.q || undefined,
    sort: query.sort ?? 'receiver',
    order: query.order ?? 'asc',
  };
}
