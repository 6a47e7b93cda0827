import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { RECONNECT_BACKOFF } from './backoff';

export const DEFAULT_CONFIG_FILE = 'avisa-receiver.json';
export const CONFIG_ENV_VARIABLE = 'AVISA_RECEIVER_CONFIG';

export interface ReceiverConfig {
  configPath: string;
  /** Origin only (`https://host:port`); the namespace is appended when connecting. */
  serverUrl: string;
  name: string;
  key: string;
  caPath: string;
  ca: string;
  dataDir: string;
  logDir: string;
  notifyCommand: string | null;
  sound: boolean;
  /** Bounds of the reconnection backoff: the first wait is at most minMs, doubling up to maxMs. */
  reconnect: ReconnectBounds;
}

export interface ReconnectBounds {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_RECONNECT: ReconnectBounds = {
  minMs: RECONNECT_BACKOFF.baseMs,
  maxMs: RECONNECT_BACKOFF.capMs,
};
const RECONNECT_MIN_MS = { low: 100, high: 600_000 };
const RECONNECT_MAX_MS_HIGH = 3_600_000;

const FIELDS = ['serverUrl', 'name', 'key', 'ca', 'dataDir', 'logDir', 'notifyCommand', 'sound', 'reconnect'] as const;

export class ConfigError extends Error {
  constructor(
    readonly configPath: string,
    readonly field: string | null,
    detail: string,
  ) {
    super(`Invalid configuration (${configPath}): ${field ? `"${field}" ` : ''}${detail}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigFileSystem {
  readFile(path: string): string;
  isFile(path: string): boolean;
}

export const nodeConfigFileSystem: ConfigFileSystem = {
  readFile: (path) => readFileSync(path, 'utf8'),
  isFile: (path) => {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
};

export function resolveConfigPath(option: string | undefined, environment: string | undefined, cwd: string): string {
  return resolve(cwd, option || environment || DEFAULT_CONFIG_FILE);
}

export function loadConfig(configPath: string, fs: ConfigFileSystem = nodeConfigFileSystem): ReceiverConfig {
  let text: string;
  try {
    text = fs.readFile(configPath);
  } catch (error) {
    throw new ConfigError(configPath, null, `cannot read the file (${errorCode(error)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(configPath, null, `is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, configPath, fs);
}

export function parseConfig(
  raw: unknown,
  configPath: string,
  fs: ConfigFileSystem = nodeConfigFileSystem,
): ReceiverConfig {
  const fail = (field: string | null, detail: string): never => {
    throw new ConfigError(configPath, field, detail);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(null, 'must be a JSON object');
  const input = raw as Record<string, unknown>;
  for (const field of Object.keys(input)) {
    if (!(FIELDS as readonly string[]).includes(field)) {
      fail(field, `is not a known field (fields: ${FIELDS.join(', ')})`);
    }
  }
  const baseDir = dirname(configPath);
  const path = (value: string) => (isAbsolute(value) ? value : resolve(baseDir, value));

  const serverUrl = parseServerUrl(requiredString(input, 'serverUrl', fail), fail);
  const name = requiredString(input, 'name', fail).trim();
  if (name.length > 100 || [...name].some((c) => c.charCodeAt(0) < 32))
    fail('name', 'must be 1 to 100 characters, without control characters');
  const key = requiredString(input, 'key', fail, "the site's secret key, as the server gave it");

  const caPath = path(
    requiredString(
      input,
      'ca',
      fail,
      "the path of the server's certificate (or its CA's) in PEM; certificate verification is never turned off",
    ),
  );
  let ca: string;
  try {
    ca = fs.readFile(caPath);
  } catch (error) {
    return fail('ca', `cannot read ${caPath} (${errorCode(error)})`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) fail('ca', `${caPath} holds no PEM certificate`);

  const dataDir = path(optionalString(input, 'dataDir', fail) ?? 'avisa-receiver-data');
  const logDir = path(optionalString(input, 'logDir', fail) ?? resolve(dataDir, 'logs'));

  const command = optionalString(input, 'notifyCommand', fail);
  const notifyCommand = command === undefined ? null : path(command);
  if (notifyCommand && !fs.isFile(notifyCommand))
    fail('notifyCommand', `${notifyCommand} does not exist or is not a file`);

  const sound = input.sound ?? true;
  if (typeof sound !== 'boolean') fail('sound', 'must be true or false');

  const reconnect = parseReconnect(input.reconnect, fail);

  return {
    configPath,
    serverUrl,
    name,
    key,
    caPath,
    ca,
    dataDir,
    logDir,
    notifyCommand,
    sound: sound as boolean,
    reconnect,
  };
}

function parseReconnect(value: unknown, fail: Fail): ReconnectBounds {
  if (value === undefined || value === null) return { ...DEFAULT_RECONNECT };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return fail('reconnect', 'must be an object { "minMs": …, "maxMs": … } or left out');
  }
  const input = value as Record<string, unknown>;
  for (const field of Object.keys(input)) {
    if (field !== 'minMs' && field !== 'maxMs') {
      fail(`reconnect.${field}`, 'is not a known field (fields: minMs, maxMs)');
    }
  }
  const integer = (field: 'minMs' | 'maxMs', fallback: number): number => {
    const raw = input[field] ?? fallback;
    if (typeof raw !== 'number' || !Number.isInteger(raw)) {
      return fail(`reconnect.${field}`, 'must be a whole number of milliseconds');
    }
    return raw;
  };
  const minMs = integer('minMs', DEFAULT_RECONNECT.minMs);
  if (minMs < RECONNECT_MIN_MS.low || minMs > RECONNECT_MIN_MS.high) {
    fail('reconnect.minMs', `must be between ${RECONNECT_MIN_MS.low} and ${RECONNECT_MIN_MS.high}`);
  }
  const maxMs = integer('maxMs', Math.max(DEFAULT_RECONNECT.maxMs, minMs));
  if (maxMs < minMs || maxMs > RECONNECT_MAX_MS_HIGH) {
    fail('reconnect.maxMs', `must be between reconnect.minMs (${minMs}) and ${RECONNECT_MAX_MS_HIGH}`);
  }
  return { minMs, maxMs };
}

/** Only what `status` needs, so it still answers when the rest of the file has a mistake. */
export function readDataDir(configPath: string, fs: ConfigFileSystem = nodeConfigFileSystem): string {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFile(configPath));
  } catch (error) {
    throw new ConfigError(configPath, null, `cannot be read as JSON (${errorCode(error)})`);
  }
  const value = (raw as Record<string, unknown> | null)?.dataDir;
  const dataDir = typeof value === 'string' && value.trim() ? value : 'avisa-receiver-data';
  return isAbsolute(dataDir) ? dataDir : resolve(dirname(configPath), dataDir);
}

type Fail = (field: string | null, detail: string) => never;

function requiredString(input: Record<string, unknown>, field: string, fail: Fail, what?: string): string {
  const value = input[field];
  if (value === undefined || value === null || value === '') fail(field, `is required${what ? `: ${what}` : ''}`);
  if (typeof value !== 'string' || !value.trim()) return fail(field, 'must be a non-empty string');
  return value;
}

function optionalString(input: Record<string, unknown>, field: string, fail: Fail): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !value.trim()) return fail(field, 'must be a non-empty string or left out');
  return value;
}

function parseServerUrl(value: string, fail: Fail): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return fail('serverUrl', `is not a valid URL: ${value}`);
  }
  if (url.protocol !== 'https:') fail('serverUrl', `must start with https:// (it is ${url.protocol}//)`);
  if (url.username || url.password) fail('serverUrl', 'must not carry a user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    fail('serverUrl', `must be only https://server[:port], without a path (it is ${value})`);
  }
  return url.origin;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);
}
