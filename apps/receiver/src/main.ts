import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from './cli';
import { CONFIG_ENV_VARIABLE, readDataDir, resolveConfigPath } from './config';
import { chooseUpdate } from './updater';

// Built to dist/apps/receiver/apps/receiver/src/main.js; the package folder is apps/receiver of the same checkout.
const packageDir = [resolve(__dirname, '../../../../../../apps/receiver'), resolve(__dirname, '..')].find((dir) =>
  existsSync(join(dir, 'package.json')),
);
/** Set by `npm run package:receiver` in the bundled receiver, which has no package.json beside it. */
declare const __AVISA_RECEIVER_VERSION__: string | undefined;

const version =
  typeof __AVISA_RECEIVER_VERSION__ === 'string'
    ? __AVISA_RECEIVER_VERSION__
    : packageDir
      ? String((JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown }).version)
      : '0.0.0';

/** An installed update runs instead of this code, unless this is that update, started by an older launcher. */
function launchInstalledUpdate(): boolean {
  // eslint-disable-next-line no-restricted-properties -- the launcher runs before the CLI, which gets process.env
  const env = process.env;
  if (env.AVISA_RECEIVER_LAUNCHED) return false;
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { config: { type: 'string', short: 'c' } },
    strict: false,
    allowPositionals: true,
  });
  if ((positionals[0] ?? 'run') !== 'run') return false;
  let update: string | null;
  try {
    const configPath = resolveConfigPath(values.config as string | undefined, env[CONFIG_ENV_VARIABLE], process.cwd());
    update = chooseUpdate(readDataDir(configPath), version);
  } catch {
    return false;
  }
  if (!update) return false;
  env.AVISA_RECEIVER_LAUNCHED = version;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed update is a bundle found at run time
  require(update);
  return true;
}

if (!launchInstalledUpdate()) start();

function start(): void {
  runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    // eslint-disable-next-line no-restricted-properties -- the receiver's one reader of the environment (config path, PATH)
    env: process.env,
    platform: process.platform,
    pid: process.pid,
    uid: process.getuid?.() ?? 0,
    version,
    packageDir: packageDir ?? resolve(__dirname, '..'),
    programDir: dirname(resolve(process.argv[1] ?? __filename)),
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    onStop: (stop, atExit) => {
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('exit', atExit);
      process.on('uncaughtException', (error) => {
        process.stderr.write(`Unexpected error: ${error.stack ?? String(error)}\n`);
        atExit();
        process.exit(1);
      });
    },
  })
    .then((code) => {
      process.exitCode = code;
      // On Windows, SnoreToast processes still waiting for a click would keep the process alive.
      setTimeout(() => process.exit(code), 1000).unref();
    })
    .catch((error: unknown) => {
      process.stderr.write(`Unexpected error: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
}
