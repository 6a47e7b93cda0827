import { spawn as nodeSpawn, SpawnOptions } from 'node:child_process';
import { Logger } from './logger';

/** A program to open files with instead of the system's (the tests point it at a recorder): it gets the path. */
export const OPEN_COMMAND_ENV = 'AVISA_RECEIVER_OPEN_COMMAND';

export interface OpenCommand {
  command: string;
  args: string[];
  /** Windows only: the arguments go to cmd exactly as written, quoted here, not by Node. */
  windowsVerbatimArguments: boolean;
}

/**
 * How to open a file or folder with the system's default program, never through a shell string built from its name:
 * `xdg-open <path>` on Linux and BSD, `open <path>` on macOS; on Windows `start` is a command of cmd's, so cmd runs
 * `start "" "<path>"` with the path quoted by us (names never hold `"` or `%`, which cmd would still read inside quotes).
 */
export function openCommand(target: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): OpenCommand {
  const override = env[OPEN_COMMAND_ENV]?.trim();
  if (override) return { command: override, args: [target], windowsVerbatimArguments: false };
  if (platform === 'win32') {
    // eslint-disable-next-line no-control-regex -- a control character in the path is a reason to refuse it
    if (/["%\u0000-\u001f]/.test(target)) throw new Error(`${target} holds a character cmd cannot be given safely`);
    return {
      command: env.ComSpec || env.COMSPEC || 'cmd.exe',
      args: ['/d', '/v:off', '/s', '/c', `"start "" "${target}""`],
      windowsVerbatimArguments: true,
    };
  }
  if (platform === 'darwin') return { command: 'open', args: [target], windowsVerbatimArguments: false };
  return { command: 'xdg-open', args: [target], windowsVerbatimArguments: false };
}

export type Spawn = (command: string, args: string[], options: SpawnOptions) => ReturnType<typeof nodeSpawn>;

export interface OpenerDeps {
  platform: NodeJS.Platform;
  /** The environment the program gets (a desktop session's, where the receiver's own lacks one). */
  env: () => Promise<NodeJS.ProcessEnv> | NodeJS.ProcessEnv;
  logger: Logger;
  spawn?: Spawn;
}

/**
 * Starts the default program for `target` on its own (detached, not waited for, nothing inherited), and resolves once
 * it started; a program that could not start rejects. How it ended is only logged.
 */
export async function openWithDefaultProgram(target: string, deps: OpenerDeps): Promise<void> {
  const env = await deps.env();
  const { command, args, windowsVerbatimArguments } = openCommand(target, deps.platform, env);
  const child = (deps.spawn ?? nodeSpawn)(command, args, {
    detached: true,
    stdio: 'ignore',
    shell: false,
    windowsHide: true,
    windowsVerbatimArguments,
    env,
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`${command} could not run: ${error.message}`)));
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && code !== null) deps.logger.warn(`${command} exited with ${code} opening ${target}`);
    else if (signal) deps.logger.warn(`${command} was ended by ${signal} opening ${target}`);
  });
  child.unref();
}
