import { ConfigurationError, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('fills every default when nothing is set', () => {
    const env = validateEnvironment({});
    expect(env.AVISA_PORT).toBe(8443);
    expect(env.AVISA_SESSION_IDLE_SECONDS).toBe(1800);
    expect(env.AVISA_SESSION_ABSOLUTE_SECONDS).toBe(43200);
    expect(env.AVISA_LOGIN_MAX_FAILURES).toBe(5);
    expect(env.AVISA_LOGIN_LOCK_SECONDS).toBe(900);
    expect(env.AVISA_ADMIN_PASSWORD).toBe('');
  });

  it('converts numbers and booleans from strings', () => {
    const env = validateEnvironment({ AVISA_PORT: '9000', AVISA_TRUST_PROXY: 'true' });
    expect(env.AVISA_PORT).toBe(9000);
    expect(env.AVISA_TRUST_PROXY).toBe(true);
  });

  it('keeps only its own variables', () => {
    expect(validateEnvironment({ PATH: '/bin' })).not.toHaveProperty('PATH');
  });

  it('names the variable and what it got when a value is wrong', () => {
    expect(() => validateEnvironment({ AVISA_PORT: 'eighty' })).toThrow(
      /AVISA_PORT: must be a number \(got "eighty"\)/,
    );
  });

  it('lists every wrong variable at once', () => {
    let message = '';
    try {
      validateEnvironment({ AVISA_PORT: '70000', AVISA_LOG_LEVEL: 'loud', AVISA_BODY_LIMIT: 'huge' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/AVISA_PORT/);
    expect(message).toMatch(/AVISA_LOG_LEVEL: must be one of \[error, warn, info, debug\]/);
    expect(message).toMatch(/AVISA_BODY_LIMIT: must be a size such as 100kb/);
  });

  it('refuses a certificate without its key', () => {
    expect(() => validateEnvironment({ AVISA_TLS_CERT: '/etc/avisa/server.crt' })).toThrow(/AVISA_TLS_KEY/);
  });

  it('refuses an idle timeout longer than the absolute one', () => {
    expect(() =>
      validateEnvironment({ AVISA_SESSION_IDLE_SECONDS: '100', AVISA_SESSION_ABSOLUTE_SECONDS: '50' }),
    ).toThrow(/AVISA_SESSION_IDLE_SECONDS/);
  });

  it('takes PostgreSQL and Redis URLs, and refuses other schemes naming the variable', () => {
    const env = validateEnvironment({
      AVISA_DATABASE_URL: 'postgres://avisa:secret@db.internal:5432/avisa',
      AVISA_REDIS_URL: 'redis://cache.internal:6379',
    });
    expect(env).toMatchObject({ AVISA_REDIS_PREFIX: 'avisa', AVISA_PRESENCE_TTL_SECONDS: 15 });
    expect(() => validateEnvironment({ AVISA_DATABASE_URL: 'mysql://db/avisa' })).toThrow(
      /AVISA_DATABASE_URL: must be a postgres:\/\/ URL/,
    );
    expect(() =>
      validateEnvironment({ AVISA_DATABASE_URL: 'postgres://db/avisa', AVISA_REDIS_URL: 'http://cache' }),
    ).toThrow(/AVISA_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => validateEnvironment({ AVISA_REDIS_PREFIX: 'a b' })).toThrow(/AVISA_REDIS_PREFIX/);
  });

  it('refuses several instances without a shared database', () => {
    expect(() => validateEnvironment({ AVISA_REDIS_URL: 'redis://cache:6379' })).toThrow(
      /AVISA_REDIS_URL: several instances need one shared database; set AVISA_DATABASE_URL/,
    );
  });
});
