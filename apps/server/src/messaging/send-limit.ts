import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/actor';

import { Clock } from '../common/system/clock';
import { AttemptWindow, AttemptWindows } from '../cluster/attempt-windows';
import { AppConfigService } from '../config/app-config.service';
import { retryLater } from '../common/http/api-error';

/**
 * Alerts per minute per user or API token, counted across every instance (in Redis when there are several): a
 * leaked token or a looping script cannot flood the sites or slow everyone else's sends.
 */
@Injectable()
export class SendLimit {
  private readonly window: AttemptWindow;
  private readonly limit: number;

  constructor(
    windows: AttemptWindows,
    config: AppConfigService,
    private readonly clock: Clock,
  ) {
    this.limit = config.get('AVISA_SEND_LIMIT_PER_MINUTE');
    this.window = windows.create('sends', this.limit, 60_000);
  }

  /** Counts one send, or refuses it with 429 once this principal has sent its limit in the last minute. */
  async take(principal: Principal): Promise<void> {
    const key = principal.kind === 'user' ? `user:${principal.userId}` : `token:${principal.tokenId}`;
    const now = this.clock.now();
    const wait = await this.window.retryAfterSeconds(key, now);
    if (wait > 0) {
      throw retryLater(wait, 'alert.send_limit', { limit: this.limit, seconds: wait });
    }
    await this.window.record(key, now);
  }
}
