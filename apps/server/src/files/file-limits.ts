import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AvisaRequest } from '../common/access/request-context';
import { Clock } from '../common/system/clock';
import { AttemptWindow, AttemptWindows } from '../cluster/attempt-windows';
import { AppConfigService } from '../config/app-config.service';
import { retryLater } from '../common/http/api-error';

export type FileAction = 'upload' | 'download' | 'delete';
const FILE_ACTION = 'avisa:file-action';

/** Counts this route against the caller's per-minute limit for the action. */
export const LimitedAs = (action: FileAction) => SetMetadata(FILE_ACTION, action);

/**
 * Per-user (or per-token) limits on file actions, per minute, shared by every instance through Redis like the login
 * limits. A guard, so an upload over the limit is refused before a byte of it is stored.
 */
@Injectable()
export class FileActionLimits implements CanActivate {
  private readonly windows: Record<FileAction, { window: AttemptWindow; limit: number }>;

  constructor(
    private readonly reflector: Reflector,
    private readonly clock: Clock,
    windows: AttemptWindows,
    config: AppConfigService,
  ) {
    const make = (action: FileAction, limit: number) => ({
      window: windows.create(`files-${action}`, limit, 60_000),
      limit,
    });
    this.windows = {
      upload: make('upload', config.get('AVISA_FILES_UPLOADS_PER_MINUTE')),
      download: make('download', config.get('AVISA_FILES_DOWNLOADS_PER_MINUTE')),
      delete: make('delete', config.get('AVISA_FILES_DELETES_PER_MINUTE')),
    };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.get<FileAction | undefined>(FILE_ACTION, context.getHandler());
    const principal = context.switchToHttp().getRequest<AvisaRequest>().principal;
    if (!action || !principal) return true;
    const key = principal.kind === 'user' ? `u:${principal.userId}` : `t:${principal.tokenId}`;
    const { window, limit } = this.windows[action];
    const now = this.clock.now();
    const wait = await window.retryAfterSeconds(key, now);
    if (wait > 0) {
      throw retryLater(wait, 'file.rate_limited', { limit, action, seconds: wait });
    }
    await window.record(key, now);
    return true;
  }
}
