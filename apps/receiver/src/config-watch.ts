import { FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Logger } from './logger';

const SETTLE_MS = 300;

/**
 * Calls `changed` shortly after the config file is edited. The folder is watched, not the file: editors and
 * installers replace the file with a new one, which a watch on the old file would never see.
 */
export function watchConfigFile(configPath: string, changed: () => void, logger: Logger): { close(): void } {
  const file = basename(configPath);
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(configPath), { persistent: false }, (_event, name) => {
      if (name !== null && name !== file) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        changed();
      }, SETTLE_MS);
    });
  } catch (error) {
    logger.warn(`Cannot watch ${configPath} for changes (${(error as Error).message}); edits apply at the next retry`);
    return { close: () => {} };
  }
  watcher.on('error', (error) => logger.warn(`Stopped watching ${configPath}: ${error.message}`));
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
