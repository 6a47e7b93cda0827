import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobRunner } from '../cluster/job-runner';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { ReceiverHub } from '../fanout/receiver-hub';
import { AlertTemplates } from './alert-templates';
import { DeliveryAnnouncer, DeliveryChange } from './delivery-announcer';
import { MessagesRepository } from './messages.repository';
import { toAlertPayload } from './messaging.service';

/** Background work: resend unconfirmed alerts, remind unread urgent ones, expire what waited too long. */
@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryScheduler.name);

  constructor(
    private readonly messages: MessagesRepository,
    private readonly hub: ReceiverHub,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly announcer: DeliveryAnnouncer,
    private readonly config: AppConfigService,
    private readonly jobs: JobRunner,
    private readonly templates: AlertTemplates,
  ) {}

  onApplicationBootstrap(): void {
    const ackMs = this.config.get('AVISA_DELIVERY_ACK_TIMEOUT_SECONDS') * 1000;
    const remindMs = this.config.get('AVISA_URGENT_REMINDER_SECONDS') * 1000;
    this.jobs.every('resend', Math.max(500, Math.min(ackMs / 2, 10_000)), () => this.resendUnconfirmed());
    this.jobs.every('remind', Math.max(500, Math.min(remindMs / 4, 15_000)), () => this.remindUrgent());
    this.jobs.every('expire', 5_000, () => this.expire());
    this.events.on('receiver.deleted', ({ name }) => this.messages.cancelOpenFor(name, this.clock.now()));
  }

  async resendUnconfirmed(): Promise<void> {
    const now = this.clock.now();
    const cutoff = now - this.config.get('AVISA_DELIVERY_ACK_TIMEOUT_SECONDS') * 1000;
    const due = await this.messages.unconfirmedSince(cutoff, now, 2000);
    if (!due.length) return;
    const since = await this.hub.connectedSince([...new Set(due.map((d) => d.receiverName))]);
    // A site that connected within the time-out is being caught up: sent every open copy, each marked once pushed.
    // Its copies still look unconfirmed until that mark commits, and a resend meanwhile would push them twice (in a
    // reconnect storm, hundreds of sites at a time).
    const ready = due.filter((d) => (since.get(d.receiverName) ?? Infinity) < cutoff);
    if (!ready.length) return;
    const messages = await this.messages.findMessages(ready.map((d) => d.messageId));
    const byMessage = new Map<string, string[]>();
    for (const d of ready) byMessage.set(d.messageId, [...(byMessage.get(d.messageId) ?? []), d.receiverName]);
    for (const [messageId, names] of byMessage) {
      const message = messages.get(messageId);
      if (!message || message.retractedAt !== null) continue;
      await this.templates.send(names, toAlertPayload(message));
    }
    await this.messages.markDeliverySent(
      ready.map((d) => d.id),
      now,
    );
    this.logger.debug(`resent ${ready.length} unconfirmed alert(s)`);
  }

  async remindUrgent(): Promise<void> {
    const now = this.clock.now();
    const cutoff = now - this.config.get('AVISA_URGENT_REMINDER_SECONDS') * 1000;
    const max = this.config.get('AVISA_URGENT_MAX_REMINDERS');
    const due = await this.messages.urgentUnreadSince(cutoff, now, 1000);
    if (!due.length) return;
    const online = await this.hub.online([...new Set(due.map((d) => d.receiverName))]);
    const messages = await this.messages.findMessages(due.map((d) => d.messageId));
    // Copies of one alert reaching the same count go out as one push and are recorded by one statement.
    const rounds = new Map<string, { messageId: string; reminders: number; flagged: boolean; due: typeof due }>();
    for (const d of due) {
      if (!messages.has(d.messageId)) continue;
      const flagged = d.reminders >= max;
      if (!flagged && !online.has(d.receiverName)) continue;
      const reminders = flagged ? d.reminders : d.reminders + 1;
      const key = `${d.messageId}|${reminders}|${flagged}`;
      const round = rounds.get(key) ?? { messageId: d.messageId, reminders, flagged, due: [] };
      round.due.push(d);
      rounds.set(key, round);
    }
    for (const { messageId, reminders, flagged, due: copies } of rounds.values()) {
      if (!flagged) {
        await this.templates.send(
          copies.map((d) => d.receiverName),
          toAlertPayload(messages.get(messageId)!, reminders),
        );
      }
    }
    await this.messages.recordReminders(
      [...rounds.values()].map((r) => ({ ids: r.due.map((d) => d.id), reminders: r.reminders, flagged: r.flagged })),
      now,
    );
    this.announcer.announce(
      [...rounds.values()].flatMap(({ messageId, reminders, flagged, due: copies }) =>
        copies.map((d): DeliveryChange => ({
          messageId,
          receiver: d.receiverName,
          state: d.state,
          at: now,
          reminders,
          flagged,
        })),
      ),
    );
  }

  async expire(): Promise<void> {
    const now = this.clock.now();
    const expired = await this.messages.expireDue(now);
    this.announcer.announce(
      expired.map((e) => ({
        messageId: e.messageId,
        receiver: e.receiverName,
        state: 'expired' as const,
        at: now,
        reminders: 0,
        flagged: false,
      })),
    );
  }
}
