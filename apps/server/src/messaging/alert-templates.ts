import { Injectable } from '@nestjs/common';
import { fillTemplate, isTemplate, templateDate, type AlertPayload } from '@avisa/contracts';
import { ReceiverHub } from '../fanout/receiver-hub';
import { ReceiversService } from '../receivers/receivers.service';

/**
 * Alerts whose text holds placeholders (`{sitio}`, `{fecha}`…): each site gets its own text, so these are pushed
 * one site at a time. Every other alert keeps the shared, encode-once push; callers branch on `isTemplate` first.
 * `{fecha}` is the alert's send date in the server's time zone (dd/mm/yyyy), the same on every push of it.
 */
@Injectable()
export class AlertTemplates {
  constructor(
    private readonly hub: ReceiverHub,
    private readonly receivers: ReceiversService,
  ) {}

  isTemplate(payload: AlertPayload): boolean {
    return isTemplate(payload.text);
  }

  /** The alert as `siteDisplayName`'s site reads it. */
  fillFor(
    payload: AlertPayload,
    siteDisplayName: string,
    date = templateDate(Date.parse(payload.sentAt)),
  ): AlertPayload {
    return { ...payload, text: fillTemplate(payload.text, { site: siteDisplayName, date }) };
  }

  /** Pushes a template alert to each of these sites with its own text. */
  async sendEach(names: readonly string[], payload: AlertPayload): Promise<void> {
    if (!names.length) return;
    const displayNames = await this.receivers.displayNames([...names]);
    const date = templateDate(Date.parse(payload.sentAt));
    for (const name of names) this.hub.sendAlert([name], this.fillFor(payload, displayNames.get(name) ?? name, date));
  }

  /** A push of any alert: the shared one, or one per site for a template. */
  async send(names: readonly string[], payload: AlertPayload): Promise<void> {
    if (this.isTemplate(payload)) await this.sendEach(names, payload);
    else this.hub.sendAlert(names, payload);
  }
}
