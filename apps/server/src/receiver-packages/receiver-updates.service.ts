import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  compareVersions,
  receiverVersion,
  UPDATE_STATES,
  type ReceiptAck,
  type ReceiverUpdatesResponse,
  type RolloutResponse,
  type StartRolloutRequest,
  type UpdateOfferPayload,
  type UpdateState,
} from '@avisa/contracts';
import { Actor } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { FieldValidationException } from '../common/http/validation';
import { Clock } from '../common/system/clock';
import { JobRunner } from '../cluster/job-runner';
import { AppConfigService } from '../config/app-config.service';
import { ReceiverHub } from '../fanout/receiver-hub';
import { PackageStore } from './package-store';
import { ReceiverRolloutEntity } from './receiver-update.entity';
import { ReceiverUpdatesRepository } from './receiver-updates.repository';
import { apiError, fieldProblem } from '../common/http/api-error';

const OFFER_EVERY_MS = 60_000;
/** A site offered an update is not offered it again for this long: it is downloading, or restarting into it. */
const REOFFER_AFTER_MS = 10 * 60_000;
const REASON_MAX = 500;
/** How long a site connecting reads the rollout from memory: a reconnect storm of ten thousand sites asks once. */
const ROLLOUT_CACHE_MS = 5_000;

export const PACKAGES_PATH = '/api/v1/receiver-packages';

interface Site {
  name: string;
  clientVersion: string | null;
}

/** Minutes since local midnight of `at`, and whether that falls in "HH:MM-HH:MM" (which may wrap past midnight). */
export function inWindow(window: string, at: Date): boolean {
  const [from, to] = window.split('-').map((part) => {
    const [h, m] = part.split(':').map(Number);
    return h * 60 + m;
  });
  const now = at.getHours() * 60 + at.getMinutes();
  return from <= to ? now >= from && now < to : now >= from || now < to;
}

/**
 * Which sites run which receiver version, and the rollout of a newer one: offered to the sites behind it (now, or in
 * the night window), each site's report of how its update went kept and audited.
 */
@Injectable()
export class ReceiverUpdatesService implements OnModuleInit {
  private readonly logger = new Logger(ReceiverUpdatesService.name);
  private readonly offered = new Map<string, number>();
  private rollout: { at: number; value: Promise<ReceiverRolloutEntity | null> } | null = null;
  private readonly nightWindow: string;

  constructor(
    private readonly store: PackageStore,
    private readonly repository: ReceiverUpdatesRepository,
    private readonly hub: ReceiverHub,
    private readonly jobs: JobRunner,
    private readonly events: EventBus,
    private readonly clock: Clock,
    config: AppConfigService,
  ) {
    this.nightWindow = config.get('AVISA_RECEIVER_UPDATE_NIGHT');
  }

  onModuleInit(): void {
    this.jobs.every('receiver-updates', OFFER_EVERY_MS, () => this.offerToConnected());
  }

  async status(): Promise<ReceiverUpdatesResponse> {
    const [rollout, reports] = await Promise.all([this.repository.currentRollout(), this.repository.reportsList()]);
    return {
      available: this.store.current()?.manifest ?? null,
      rollout: rollout && toRolloutResponse(rollout),
      nightWindow: this.nightWindow,
      sites: reports.map((r) => ({
        name: r.site,
        version: r.version,
        state: r.state as UpdateState,
        reason: r.reason,
        at: new Date(r.reportedAt).toISOString(),
      })),
    };
  }

  async startRollout(request: StartRolloutRequest, actor: Actor): Promise<RolloutResponse> {
    const available = this.store.current();
    if (!available) {
      throw new FieldValidationException([fieldProblem('version', 'update.no_packages', { field: 'version' })]);
    }
    if (available.manifest.version !== request.version) {
      const version = available.manifest.version;
      throw new FieldValidationException([
        fieldProblem('version', 'update.wrong_version', { field: 'version', version }),
      ]);
    }
    if (!available.manifest.files.some((f) => f.kind === 'bundle')) {
      const version = request.version;
      throw new FieldValidationException([fieldProblem('version', 'update.no_bundle', { field: 'version', version })]);
    }
    const rollout = await this.repository.startRollout({
      version: request.version,
      when: request.when,
      startedBy: actor.name,
      startedAt: this.clock.now(),
    });
    this.offered.clear();
    this.rollout = null;
    await this.events.emit('receiver.update.started', {
      actor,
      target: request.version,
      details: { when: request.when },
    });
    await this.offerToConnected();
    return toRolloutResponse(rollout);
  }

  async cancelRollout(actor: Actor): Promise<void> {
    const rollout = await this.repository.currentRollout();
    if (!rollout || !(await this.repository.cancelRollout(this.clock.now()))) {
      throw apiError('update.none_in_progress');
    }
    this.rollout = null;
    await this.events.emit('receiver.update.cancelled', { actor, target: rollout.version, details: {} });
  }

  /** A site just connected: the offer, if it is behind the rollout and the time is right. */
  async offerOnConnect(site: Site, send: (offer: UpdateOfferPayload) => void): Promise<void> {
    const offer = await this.offerFor(site, await this.currentRollout());
    if (offer) send(offer);
  }

  /** A site's report of its update: stored, audited. */
  async report(site: string, body: unknown): Promise<ReceiptAck> {
    const problem = reportProblem(body);
    if (problem) return { ok: false, error: problem };
    const { version, state, reason } = body as { version: string; state: UpdateState; reason?: string };
    const at = this.clock.now();
    const text = reason ? reason.slice(0, REASON_MAX) : null;
    try {
      await this.repository.saveReport({ site, version, state, reason: text, reportedAt: at });
    } catch {
      return { ok: false, error: 'the report could not be stored; send it again' };
    }
    if (state !== 'installed') this.offered.delete(site);
    await this.events.emit('receiver.update.reported', {
      actor: { kind: 'system', id: null, name: `site:${site}`, ip: null },
      target: site,
      details: text ? { version, state, reason: text } : { version, state },
    });
    if (state === 'failed')
      this.logger.warn(`site ${site} could not update to ${version}: ${text ?? 'no reason given'}`);
    return { ok: true };
  }

  private currentRollout(): Promise<ReceiverRolloutEntity | null> {
    const now = this.clock.now();
    if (!this.rollout || now - this.rollout.at > ROLLOUT_CACHE_MS) {
      const value = this.repository.currentRollout();
      this.rollout = { at: now, value };
      value.catch(() => (this.rollout = null));
    }
    return this.rollout.value;
  }

  private async offerToConnected(): Promise<void> {
    this.rollout = null;
    const rollout = await this.currentRollout();
    if (!rollout) return;
    for (const presence of await this.hub.allPresence()) {
      const offer = await this.offerFor(presence, rollout);
      if (offer) this.hub.sendUpdate([presence.name], offer);
    }
  }

  private async offerFor(site: Site, rollout: ReceiverRolloutEntity | null): Promise<UpdateOfferPayload | null> {
    if (!rollout) return null;
    if (rollout.when === 'night' && !inWindow(this.nightWindow, new Date(this.clock.now()))) return null;
    const running = receiverVersion(site.clientVersion);
    if (!running || compareVersions(running, rollout.version) >= 0) return null;
    const packages = this.store.current();
    const bundle = packages?.manifest.files.find((f) => f.kind === 'bundle');
    if (!packages || !bundle || packages.manifest.version !== rollout.version) return null;
    const now = this.clock.now();
    if (now - (this.offered.get(site.name) ?? -Infinity) < REOFFER_AFTER_MS) return null;
    const last = await this.repository.report(site.name);
    // A site whose update to this version failed waits for an admin to start the rollout again.
    if (last?.version === rollout.version && last.state === 'failed' && last.reportedAt >= rollout.startedAt) {
      return null;
    }
    this.offered.set(site.name, now);
    return {
      version: packages.manifest.version,
      manifest: packages.text,
      signature: packages.signature,
      path: `${PACKAGES_PATH}/${encodeURIComponent(bundle.name)}`,
    };
  }
}

function reportProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return 'update_status must be an object { version, state, reason? }';
  const { version, state, reason } = body as Record<string, unknown>;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) return 'version must look like 1.2.3';
  if (!(UPDATE_STATES as readonly unknown[]).includes(state)) return `state must be one of ${UPDATE_STATES.join(', ')}`;
  if (reason !== undefined && typeof reason !== 'string') return 'reason must be a string';
  return null;
}

function toRolloutResponse(rollout: ReceiverRolloutEntity): RolloutResponse {
  return {
    version: rollout.version,
    when: rollout.when as RolloutResponse['when'],
    startedBy: rollout.startedBy,
    startedAt: new Date(rollout.startedAt).toISOString(),
  };
}
