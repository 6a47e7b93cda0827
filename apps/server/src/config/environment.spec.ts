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
});
