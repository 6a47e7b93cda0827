import { ConfigError, ConfigFileSystem, loadConfig, readDataDir, resolveConfigPath } from './config';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const CONFIG_PATH = '/etc/avisa/avisa-receiver.json';

function setup(config: unknown, files: Record<string, string> = { '/etc/avisa/server.crt': PEM }) {
  const all: Record<string, string> = {
    ...files,
    [CONFIG_PATH]: typeof config === 'string' ? config : JSON.stringify(config),
  };
  const fs: ConfigFileSystem = {
    readFile: (path) => {
      if (!(path in all)) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return all[path];
    },
    isFile: (path) => path in all,
  };
  return { load: () => loadConfig(CONFIG_PATH, fs), fs };
}

const valid = {
  serverUrl: 'https://avisa.example.org:8443',
  name: ' farmacia-centro ',
  key: 's3cret-key',
  ca: 'server.crt',
};

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('resolves paths against the config file folder and applies defaults', () => {
    expect(setup(valid).load()).toEqual({
      configPath: CONFIG_PATH,
      serverUrl: 'https://avisa.example.org:8443',
      name: 'farmacia-centro',
      key: 's3cret-key',
      caPath: '/etc/avisa/server.crt',
      ca: PEM,
      dataDir: '/etc/avisa/avisa-receiver-data',
      logDir: '/etc/avisa/avisa-receiver-data/logs',
      notifyCommand: null,
      sound: true,
      reconnect: { minMs: 1000, maxMs: 180_000 },
    });
  });

  it('takes the optional fields', () => {
    const config = setup(
      {
        ...valid,
        dataDir: '/var/lib/avisa',
        logDir: 'logs',
        notifyCommand: '/opt/notify',
        sound: false,
        reconnect: { minMs: 200, maxMs: 2000 },
      },
      { '/etc/avisa/server.crt': PEM, '/opt/notify': '#!/bin/sh' },
    ).load();
    expect(config).toMatchObject({
      dataDir: '/var/lib/avisa',
      logDir: '/etc/avisa/logs',
      notifyCommand: '/opt/notify',
      sound: false,
      reconnect: { minMs: 200, maxMs: 2000 },
    });
  });

  it('keeps the default of the reconnect bound that is not given', () => {
    expect(setup({ ...valid, reconnect: { minMs: 500 } }).load().reconnect).toEqual({ minMs: 500, maxMs: 180_000 });
    expect(setup({ ...valid, reconnect: { maxMs: 30_000 } }).load().reconnect).toEqual({ minMs: 1000, maxMs: 30_000 });
  });

  it.each([
    [{ ...valid, serverUrl: 'http://avisa.example.org' }, 'serverUrl', 'https://'],
    [{ ...valid, serverUrl: 'https://avisa.example.org/receivers' }, 'serverUrl', 'without a path'],
    [{ ...valid, serverUrl: 'not a url' }, 'serverUrl', 'URL'],
    [{ ...valid, name: '' }, 'name', 'is required'],
    [{ ...valid, name: 42 }, 'name', 'non-empty string'],
    [{ ...valid, key: undefined }, 'key', 'is required'],
    [{ ...valid, ca: undefined }, 'ca', 'never turned off'],
    [{ ...valid, ca: 'missing.crt' }, 'ca', 'cannot read /etc/avisa/missing.crt (ENOENT)'],
    [{ ...valid, notifyCommand: '/nowhere' }, 'notifyCommand', 'does not exist'],
    [{ ...valid, sound: 'yes' }, 'sound', 'true or false'],
    [{ ...valid, severUrl: 'https://typo' }, 'severUrl', 'is not a known field'],
    [{ ...valid, reconnect: 1000 }, 'reconnect', 'must be an object'],
    [{ ...valid, reconnect: { min: 1 } }, 'reconnect.min', 'is not a known field'],
    [{ ...valid, reconnect: { minMs: '1000' } }, 'reconnect.minMs', 'whole number'],
    [{ ...valid, reconnect: { minMs: 1.5 } }, 'reconnect.minMs', 'whole number'],
    [{ ...valid, reconnect: { minMs: 10 } }, 'reconnect.minMs', 'between 100 and 600000'],
    [{ ...valid, reconnect: { minMs: 5000, maxMs: 1000 } }, 'reconnect.maxMs', 'between reconnect.minMs (5000)'],
    [{ ...valid, reconnect: { maxMs: 86_400_000 } }, 'reconnect.maxMs', '3600000'],
  ])('names the wrong field: %j', (config, field, detail) => {
    const error = errorOf(setup(config).load);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).toContain(detail);
    expect(error.message).toContain(CONFIG_PATH);
  });

  it('refuses a ca file that holds no certificate', () => {
    const error = errorOf(setup(valid, { '/etc/avisa/server.crt': 'hello' }).load);
    expect(error.field).toBe('ca');
    expect(error.message).toContain('holds no PEM certificate');
  });

  it('says when the file is not JSON, without naming a field', () => {
    const error = errorOf(setup('{ "serverUrl": ').load);
    expect(error.field).toBeNull();
    expect(error.message).toContain('is not valid JSON');
  });

  it('never repeats the key in an error', () => {
    const error = errorOf(setup({ ...valid, key: 'top-secret', sound: 1 }).load);
    expect(error.message).not.toContain('top-secret');
  });
});

describe('resolveConfigPath', () => {
  it('prefers --config, then the environment, then ./avisa-receiver.json', () => {
    expect(resolveConfigPath('a.json', '/env.json', '/work')).toBe('/work/a.json');
    expect(resolveConfigPath(undefined, '/env.json', '/work')).toBe('/env.json');
    expect(resolveConfigPath(undefined, undefined, '/work')).toBe('/work/avisa-receiver.json');
  });
});

describe('readDataDir', () => {
  it('finds the data folder even when other fields are wrong', () => {
    expect(readDataDir(CONFIG_PATH, setup({ dataDir: 'data', serverUrl: 'http://x' }).fs)).toBe('/etc/avisa/data');
    expect(readDataDir(CONFIG_PATH, setup({}).fs)).toBe('/etc/avisa/avisa-receiver-data');
  });
});
