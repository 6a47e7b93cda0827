import { Injectable, Logger } from '@nestjs/common';
import { JobRunner } from '../cluster/job-runner';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { toIso } from '../database/columns';
import { PresenceInfo, ReceiverHub } from '../fanout/receiver-hub';
import { ReceiversService } from '../receivers/receivers.service';
import type { ReceiverSocketData } from './receiver-socket';

type Site = Pick<PresenceInfo, 'name' | 'receiverId' | 'clientVersion' | 'since'>;

/**
 * Sites coming and going: their connection records, the `receiver.presence` events, the records a previous run
 * left open (closed at start-up) and the sites an instance that died still held (the presence sweep).
 */
@Injectable()
export class ReceiverPresence {
  private readonly logger = new Logger(ReceiverPresence.name);
  private readonly sweepMs: number;

  constructor(
    private readonly receivers: ReceiversService,
    private readonly hub: ReceiverHub,
    private readonly jobs: JobRunner,
    private readonly clock: Clock,
    private readonly events: EventBus,
    config: AppConfigService,
  ) {
    this.sweepMs = Math.max(1000, (config.get('AVISA_PRESENCE_TTL_SECONDS') * 1000) / 3);
  }

  /**
   * Connection records left open by a previous run are closed, except those of sites connected right now
   * to another instance. Rows are read before presence: a site opening a row has already claimed its presence.
   */
  async start(): Promise<void> {
    const open = await this.receivers.openConnectionReceivers();
    const present = new Set((await this.hub.allPresence()).map((p) => p.receiverId));
    const stale = open.filter((id) => !present.has(id));
    const closed = await this.receivers.closeOpenConnections(stale, this.clock.now(), 'server restart');
    if (closed) this.logger.warn(`closed ${closed} connection record(s) left open by the previous run`);
    this.jobs.every('presence-sweep', this.sweepMs, () => this.sweepLost());
  }

  async connected(site: ReceiverSocketData): Promise<void> {
    if (site.displacedSince !== null) {
      this.receivers.connectionClosed(site.receiverId, site.displacedSince, site.since, 'server instance lost');
    }
    this.receivers.connectionOpened(site.receiverId, site.since, site.address, site.clientVersion);
    await this.events.emit('receiver.presence', {
      name: site.name,
      online: true,
      connectedSince: toIso(site.since),
      lastSeenAt: toIso(site.since),
      clientVersion: site.clientVersion,
    });
  }

  /** The site's connection ended; nothing happens if another connection of it has taken over meanwhile. */
  async disconnected(site: ReceiverSocketData, reason: string | undefined): Promise<void> {
    if (!(await this.hub.release(site.name, site.connectionId))) return;
    const why = (await this.hub.takeEndReason(site.name)) ?? reason ?? 'disconnected';
    await this.ended(site, this.clock.now(), why);
    this.logger.debug(`site ${site.name} disconnected (${why})`);
  }

  /** Sites held by an instance that died: offline, their connection records closed (once, by one instance). */
  async sweepLost(): Promise<void> {
    const lost = await this.hub.sweepLost();
    const now = this.clock.now();
    for (const site of lost) await this.ended(site, now, 'server instance lost');
    if (lost.length) this.logger.warn(`${lost.length} site(s) lost with a server instance`);
  }

  private async ended(site: Site, at: number, why: string): Promise<void> {
    this.receivers.connectionClosed(site.receiverId, site.since, at, why);
    await this.events.emit('receiver.presence', {
      name: site.name,
      online: false,
      connectedSince: null,
      lastSeenAt: toIso(at),
      clientVersion: site.clientVersion,
    });
  }
}
