import { mkdirSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { removeQuietly } from './atomic-file';

/** bin/avisa-notify-send skips folders with this name when it looks for the real notify-send. */
export const SHIM_DIR_NAME = 'avisa-notify-shim';

/**
 * node-notifier's NotifySend ignores customPath and always runs `notify-send` from PATH, so on Linux the configured
 * command is put first on PATH under that name.
 */
export function installNotifySendShim(dataDir: string, command: string, env: NodeJS.ProcessEnv): string {
  const dir = join(dataDir, SHIM_DIR_NAME);
  mkdirSync(dir, { recursive: true });
  const link = join(dir, 'notify-send');
  removeQuietly(link);
  symlinkSync(command, link);
  const rest = (env.PATH ?? '').split(delimiter).filter((part) => part && part !== dir);
  env.PATH = [dir, ...rest].join(delimiter);
  return link;
}
