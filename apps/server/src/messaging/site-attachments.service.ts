import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { AlertAttachment } from '@avisa/contracts';
import type { Actor } from '../common/actor';
import { RetryLaterException } from '../common/http/retry-later.exception';
import { Clock } from '../common/system/clock';
import { AttemptWindow, AttemptWindows } from '../cluster/attempt-windows';
import { AppConfigService } from '../config/app-config.service';
import type { ServedFile } from '../files/attachment-response';
import { FilesService } from '../files/files.service';
import { ReceiversService } from '../receivers/receivers.service';
import { MessagesRepository } from './messages.repository';
import { apiError } from '../common/http/api-error';

/**
 * A site downloads, with its own name and key, a file attached to an alert it received — and nothing else. Wrong
 * keys count against the address like failed handshakes do.
 */
@Injectable()
export class SiteAttachmentsService {
  private readonly failures: AttemptWindow;

  constructor(
    private readonly receivers: ReceiversService,
    private readonly messages: MessagesRepository,
    private readonly files: FilesService,
    private readonly clock: Clock,
    windows: AttemptWindows,
    config: AppConfigService,
  ) {
    this.failures = windows.create('attachment-auth', config.get('AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE'), 60_000);
  }

  async open(
    messageId: string,
    fileId: string,
    credentials: { site: string | undefined; key: string | undefined; ip: string | null },
  ): Promise<ServedFile> {
    const now = this.clock.now();
    const ipKey = credentials.ip ?? 'unknown';
    const wait = await this.failures.retryAfterSeconds(ipKey, now);
    if (wait > 0) throw new RetryLaterException(`too many failed attempts; try again in ${wait} s`, wait);
    const auth = await this.receivers.authenticate(credentials.site, credentials.key);
    if (!auth.ok) {
      await this.failures.record(ipKey, now);
      throw new UnauthorizedException(
        'a site downloads attachments with the headers "X-Avisa-Site: <name>" and "Authorization: Bearer <key>"',
      );
    }
    const site = auth.receiver;
    const copy = await this.messages.siteCopy(messageId, site.id);
    const attached = copy?.attachments ? (JSON.parse(copy.attachments) as AlertAttachment[]) : [];
    if (!copy || copy.retracted || !attached.some((a) => a.id === fileId)) {
      throw apiError('file.site_not_sent');
    }
    const actor: Actor = { kind: 'system', id: null, name: `site:${site.name}`, ip: credentials.ip };
    const file = await this.files.openForSite(fileId, actor);
    if (!file) throw apiError('file.gone');
    await this.messages.markAttachmentsDownloaded(copy.delivery.id, now);
    return file;
  }
}
