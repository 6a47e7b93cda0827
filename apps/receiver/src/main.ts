import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli } from './cli';

// Built to dist/apps/receiver/apps/receiver/src/main.js; the package folder is apps/receiver of the same checkout.
const packageDir = [resolve(__dirname, '../../../../../../apps/receiver'), resolve(__dirname, '..')].find((dir) =>
  existsSync(join(dir, 'package.json')),
);
const version = packageDir
  ? String((JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown }).version)
  : '0.0.0';

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  // eslint-disable-next-line no-restricted-properties -- the receiver's one reader of the environment (config path, PATH)
  env: process.env,
  platform: process.platform,
  pid: process.pid,
  uid: process.getuid?.() ?? 0,
  version,
  packageDir: packageDir ?? resolve(__dirname, '..'),
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
