import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_ENV_VARIABLE, ConfigError, readDataDir, resolveConfigPath } from './config';
import { isProcessAlive, LOCK_FILE } from './lock-file';
import { EXIT_FAILURE, Receiver, ReceiverEnvironment } from './receiver';
import { STATUS_FILE, statusReport } from './status';

export interface CliIo extends Omit<ReceiverEnvironment, 'configPath'> {
  cwd: string;
  out(text: string): void;
  /** Registers what SIGINT/SIGTERM should do, and the last-resort cleanup at exit. */
  onStop(stop: (signal: string) => void, atExit: () => void): void;
}

const USAGE = `Usage: avisa-receiver [run|status] [--config PATH]

  run      (default) connects to the Avisa server and shows each alert as a desktop notification
  status   says whether the running receiver is connected; exit code 0 if it is, 1 if not

  --config PATH   configuration file (default: ${CONFIG_ENV_VARIABLE} or ./avisa-receiver.json)
  --version       prints the version
  --help          prints this help`;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 64;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.version) {
    io.out(io.version);
    return 0;
  }
  const command = positionals[0] ?? 'run';
  if (positionals.length > 1 || (command !== 'run' && command !== 'status')) {
    io.err(`Unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
    return 64;
  }
  const configPath = resolveConfigPath(values.config, io.env[CONFIG_ENV_VARIABLE], io.cwd);
  return command === 'status' ? status(configPath, io) : run(configPath, io);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    allowPositionals: true,
  });
}

function status(configPath: string, io: CliIo): number {
  let dataDir: string;
  try {
    dataDir = readDataDir(configPath);
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : String(error));
    return EXIT_FAILURE;
  }
  const report = statusReport(join(dataDir, LOCK_FILE), join(dataDir, STATUS_FILE), isProcessAlive, Date.now());
  io.out(report.text);
  return report.connected ? 0 : 1;
}

async function run(configPath: string, io: CliIo): Promise<number> {
  const receiver = await Receiver.open({ ...io, configPath });
  if (typeof receiver === 'number') return receiver;
  io.onStop(
    (signal) => receiver.stop(signal),
    () => receiver.cleanUpAtExit(),
  );
  return receiver.serve();
}
