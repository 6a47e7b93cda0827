import { existsSync } from 'node:fs';
import Joi from 'joi';

export interface AppEnvironment {
  AVISA_HOST: string;
  AVISA_PORT: number;
  AVISA_DATA_DIR: string;
  AVISA_DATABASE_FILE: string;
  AVISA_DATABASE_URL: string;
  AVISA_DATABASE_POOL_SIZE: number;
  AVISA_DATABASE_BUSY_TIMEOUT_MS: number;
  AVISA_DATABASE_MAX_MB: number;
  AVISA_REDIS_URL: string;
  AVISA_REDIS_PREFIX: string;
  AVISA_PRESENCE_TTL_SECONDS: number;
  AVISA_LOG_DIR: string;
  AVISA_LOG_LEVEL: 'error' | 'warn' | 'info' | 'debug';
  AVISA_AUDIT_LOG_DAYS: number;
  AVISA_CERTS_DIR: string;
  AVISA_WEB_DIR: string;
  AVISA_TLS_CERT: string;
  AVISA_TLS_KEY: string;
  AVISA_TLS_HOSTNAMES: string;
  AVISA_ADMIN_PASSWORD: string;
  AVISA_SESSION_IDLE_SECONDS: number;
  AVISA_SESSION_ABSOLUTE_SECONDS: number;
  AVISA_LOGIN_MAX_FAILURES: number;
  AVISA_LOGIN_LOCK_SECONDS: number;
  AVISA_LOGIN_ACCOUNT_MAX_FAILURES: number;
  AVISA_LOGIN_IP_LIMIT: number;
  AVISA_LOGIN_IP_WINDOW_SECONDS: number;
  AVISA_CORS_ORIGINS: string;
  AVISA_BODY_LIMIT: string;
  AVISA_TRUST_PROXY: boolean;
  AVISA_MESSAGE_DEFAULT_TTL_SECONDS: number;
  AVISA_MESSAGE_MAX_TTL_SECONDS: number;
  AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: number;
  AVISA_URGENT_REMINDER_SECONDS: number;
  AVISA_URGENT_MAX_REMINDERS: number;
  AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: number;
  AVISA_SEND_LIMIT_PER_MINUTE: number;
  AVISA_FILES_DIR: string;
  AVISA_FILES_MAX_MB: number;
  AVISA_FILES_QUOTA_MB: number;
  AVISA_FILES_UPLOADS_PER_MINUTE: number;
  AVISA_FILES_DOWNLOADS_PER_MINUTE: number;
  AVISA_FILES_DELETES_PER_MINUTE: number;
  AVISA_FILES_RESCAN_SECONDS: number;
  AVISA_CLAMD_SOCKET: string;
  AVISA_CLAMD_HOST: string;
  AVISA_CLAMD_PORT: number;
  AVISA_CLAMD_TIMEOUT_SECONDS: number;
  AVISA_ROOM_JOIN_MAX_FAILURES: number;
  AVISA_ROOM_JOIN_WINDOW_SECONDS: number;
  AVISA_ROOM_RETENTION_INTERVAL_SECONDS: number;
  AVISA_PASSWORD_CHANGE_MAX_FAILURES: number;
  AVISA_PUBLIC_URL: string;
  AVISA_RECEIVER_PACKAGES_DIR: string;
  AVISA_RECEIVER_CA_FILE: string;
  AVISA_RECEIVER_UPDATE_NIGHT: string;
}

const seconds = (min: number, def: number) => Joi.number().integer().min(min).default(def);

export const environmentSchema = Joi.object<AppEnvironment, true>({
  AVISA_HOST: Joi.string().hostname().default('0.0.0.0'),
  AVISA_PORT: Joi.number().port().default(8443),
  AVISA_DATA_DIR: Joi.string().default('data'),
  AVISA_DATABASE_FILE: Joi.string().allow('').default(''),
  AVISA_DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .allow('')
    .default('')
    .messages({ 'string.uriCustomScheme': '"AVISA_DATABASE_URL" must be a postgres:// URL' }),
  AVISA_DATABASE_POOL_SIZE: Joi.number().integer().min(1).max(200).default(10),
  AVISA_DATABASE_BUSY_TIMEOUT_MS: Joi.number().integer().min(0).max(5000).default(200),
  AVISA_DATABASE_MAX_MB: Joi.number().integer().min(0).default(0),
  AVISA_REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .allow('')
    .default('')
    .messages({ 'string.uriCustomScheme': '"AVISA_REDIS_URL" must be a redis:// or rediss:// URL' }),
  AVISA_REDIS_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('avisa')
    .messages({ 'string.pattern.base': '"AVISA_REDIS_PREFIX" may hold only letters, digits, ".", "_" and "-"' }),
  AVISA_PRESENCE_TTL_SECONDS: Joi.number().integer().min(3).max(300).default(15),
  AVISA_LOG_DIR: Joi.string().default('logs'),
  AVISA_LOG_LEVEL: Joi.string().valid('error', 'warn', 'info', 'debug').default('info'),
  AVISA_AUDIT_LOG_DAYS: Joi.number().integer().min(1).max(3650).default(30),
  AVISA_CERTS_DIR: Joi.string().default('certs'),
  AVISA_WEB_DIR: Joi.string().default('angular-web/dist/browser'),
  AVISA_TLS_CERT: Joi.string().allow('').default(''),
  AVISA_TLS_KEY: Joi.string().allow('').default(''),
  AVISA_TLS_HOSTNAMES: Joi.string().allow('').default(''),
  AVISA_ADMIN_PASSWORD: Joi.string().allow('').default(''),
  AVISA_SESSION_IDLE_SECONDS: seconds(1, 1800),
  AVISA_SESSION_ABSOLUTE_SECONDS: seconds(1, 43200),
  AVISA_LOGIN_MAX_FAILURES: Joi.number().integer().min(1).default(5),
  AVISA_LOGIN_LOCK_SECONDS: seconds(1, 900),
  AVISA_LOGIN_ACCOUNT_MAX_FAILURES: Joi.number().integer().min(1).default(50),
  AVISA_LOGIN_IP_LIMIT: Joi.number().integer().min(1).default(30),
  AVISA_LOGIN_IP_WINDOW_SECONDS: seconds(1, 60),
  AVISA_CORS_ORIGINS: Joi.string().allow('').default(''),
  AVISA_BODY_LIMIT: Joi.string()
    .pattern(/^\d+(b|kb|mb)$/i)
    .default('100kb')
    .messages({ 'string.pattern.base': '"AVISA_BODY_LIMIT" must be a size such as 100kb or 1mb' }),
  AVISA_TRUST_PROXY: Joi.boolean().default(false),
  AVISA_MESSAGE_DEFAULT_TTL_SECONDS: seconds(0, 86400),
  AVISA_MESSAGE_MAX_TTL_SECONDS: seconds(1, 30 * 86400),
  AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: seconds(1, 30),
  AVISA_URGENT_REMINDER_SECONDS: seconds(1, 300),
  AVISA_URGENT_MAX_REMINDERS: Joi.number().integer().min(0).max(100).default(3),
  AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: Joi.number().integer().min(1).default(20),
  AVISA_SEND_LIMIT_PER_MINUTE: Joi.number().integer().min(1).default(60),
  AVISA_PASSWORD_CHANGE_MAX_FAILURES: Joi.number().integer().min(1).default(5),
  AVISA_FILES_DIR: Joi.string().allow('').default(''),
  AVISA_FILES_MAX_MB: Joi.number().integer().min(1).max(4000).default(25),
  AVISA_FILES_QUOTA_MB: Joi.number().integer().min(1).default(500),
  AVISA_FILES_UPLOADS_PER_MINUTE: Joi.number().integer().min(1).default(5),
  AVISA_FILES_DOWNLOADS_PER_MINUTE: Joi.number().integer().min(1).default(10),
  AVISA_FILES_DELETES_PER_MINUTE: Joi.number().integer().min(1).default(3),
  AVISA_FILES_RESCAN_SECONDS: Joi.number().integer().min(1).default(60),
  AVISA_CLAMD_SOCKET: Joi.string().allow('').default(''),
  AVISA_CLAMD_HOST: Joi.string().allow('').default(''),
  AVISA_CLAMD_PORT: Joi.number().port().default(3310),
  AVISA_CLAMD_TIMEOUT_SECONDS: Joi.number().integer().min(1).default(60),
  AVISA_ROOM_JOIN_MAX_FAILURES: Joi.number().integer().min(1).default(5),
  AVISA_ROOM_JOIN_WINDOW_SECONDS: Joi.number().integer().min(1).default(900),
  AVISA_ROOM_RETENTION_INTERVAL_SECONDS: Joi.number().integer().min(1).default(3600),
  AVISA_PUBLIC_URL: Joi.string()
    .uri({ scheme: ['https'] })
    .allow('')
    .default('')
    .messages({ 'string.uriCustomScheme': '"AVISA_PUBLIC_URL" must be an https:// URL' }),
  AVISA_RECEIVER_PACKAGES_DIR: Joi.string().default('dist/receiver-packages'),
  AVISA_RECEIVER_CA_FILE: Joi.string().allow('').default(''),
  AVISA_RECEIVER_UPDATE_NIGHT: Joi.string()
    .pattern(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/)
    .default('02:00-05:00')
    .messages({
      'string.pattern.base': '"AVISA_RECEIVER_UPDATE_NIGHT" must be a local time range such as 02:00-05:00',
    }),
});

export class ConfigurationError extends Error {}

/** Validates an environment; every problem is listed with the variable it concerns. */
export function validateEnvironment(raw: Record<string, string | undefined>): AppEnvironment {
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => !(key.startsWith('AVISA_') && value === '')),
  );
  const { error, value } = environmentSchema.validate(cleaned, {
    abortEarly: false,
    convert: true,
    stripUnknown: true,
  });
  if (error) {
    const problems = error.details.map((d) => {
      const variable = d.path.join('.') || String(d.context?.label ?? '');
      const got = d.context?.value === undefined ? '' : ` (got ${JSON.stringify(d.context.value)})`;
      return `  - ${variable}: ${d.message.replace(/^"[^"]+" /, '')}${got}`;
    });
    throw new ConfigurationError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  if (!value.AVISA_TLS_CERT !== !value.AVISA_TLS_KEY) {
    const missing = value.AVISA_TLS_CERT ? 'AVISA_TLS_KEY' : 'AVISA_TLS_CERT';
    throw new ConfigurationError(
      `Invalid configuration:\n  - ${missing}: must be set together with ${missing === 'AVISA_TLS_KEY' ? 'AVISA_TLS_CERT' : 'AVISA_TLS_KEY'}`,
    );
  }
  if (value.AVISA_REDIS_URL && !value.AVISA_DATABASE_URL) {
    throw new ConfigurationError(
      'Invalid configuration:\n  - AVISA_REDIS_URL: several instances need one shared database; set AVISA_DATABASE_URL (PostgreSQL) too',
    );
  }
  if (value.AVISA_SESSION_IDLE_SECONDS > value.AVISA_SESSION_ABSOLUTE_SECONDS) {
    throw new ConfigurationError(
      'Invalid configuration:\n  - AVISA_SESSION_IDLE_SECONDS: must not exceed AVISA_SESSION_ABSOLUTE_SECONDS',
    );
  }
  return value;
}

/** The only place that reads process.env: loads `.env` when present, then validates. */
export function readEnvironment(envFile = '.env'): AppEnvironment {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return validateEnvironment(process.env);
}
