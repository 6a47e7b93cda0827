import type { UpdateStatusPayload } from '@avisa/contracts';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from './logger';
import { bundlePath, chooseUpdate, readUpdateState, Updater, writeUpdateState } from './updater';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const trustedKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const BUNDLE = "console.log('0.2.0');\n";

function offerFor(version: string, body = BUNDLE, key = privateKey) {
  const manifest = JSON.stringify({
    version,
    createdAt: '2026-12-03T00:00:00.000Z',
    files: [
      {
        kind: 'bundle',
        platform: 'any',
        name: `avisa-receiver-${version}.js`,
        size: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
      },
    ],
  });
  return {
    version,
    manifest,
    signature: sign(null, Buffer.from(manifest), key).toString('base64'),
    path: `/api/v1/receiver-packages/avisa-receiver-${version}.js`,
  };
}

function setUp(options: { key?: string | null; served?: string } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'avisa-updater-'));
  const reports: UpdateStatusPayload[] = [];
  const downloads: string[] = [];
  let restarts = 0;
  const updater = new Updater({
    dataDir,
    version: '0.1.0',
    trustedKey: options.key === undefined ? trustedKey : options.key,
    server: () => ({ url: 'https://avisa.example:8443', ca: 'CA' }),
    report: (status) => {
      reports.push(status);
      return Promise.resolve('acked');
    },
    restart: () => restarts++,
    logger: silentLogger,
    download: (url) => {
      downloads.push(url);
      return Promise.resolve(Buffer.from(options.served ?? BUNDLE));
    },
  });
  return { dataDir, updater, reports, downloads, restarts: () => restarts };
}

describe('Updater', () => {
  it('installs a signed update whose download matches, reports it and restarts into it', async () => {
    const { dataDir, updater, reports, downloads, restarts } = setUp();
    await updater.offer(offerFor('0.2.0'));
    expect(downloads).toEqual(['https://avisa.example:8443/api/v1/receiver-packages/avisa-receiver-0.2.0.js']);
    expect(readFileSync(bundlePath(dataDir, '0.2.0'), 'utf8')).toBe(BUNDLE);
    expect(readUpdateState(dataDir).trial).toEqual({ version: '0.2.0', starts: 0 });
    expect(reports).toEqual([{ version: '0.2.0', state: 'installed' }]);
    expect(restarts()).toBe(1);
  });

  it.each([
    [
      'signed with another key',
      () => offerFor('0.2.0', BUNDLE, generateKeyPairSync('ed25519').privateKey),
      {},
      /not signed with the key/,
    ],
    [
      'whose download differs from the signed hash',
      () => offerFor('0.2.0'),
      { served: 'evil()' },
      /SHA-256 .* is not the signed/,
    ],
    ['with no trusted key installed', () => offerFor('0.2.0'), { key: null }, /no update key was installed/],
  ])('refuses an update %s: nothing installed, no restart, the failure reported', async (_, offer, options, reason) => {
    const { dataDir, updater, reports, restarts } = setUp(options);
    await updater.offer(offer());
    expect(existsSync(bundlePath(dataDir, '0.2.0'))).toBe(false);
    expect(readUpdateState(dataDir).trial).toBeNull();
    expect(restarts()).toBe(0);
    expect(reports).toEqual([{ version: '0.2.0', state: 'failed', reason: expect.stringMatching(reason) }]);
  });

  it('ignores an offer of its own or an older version', async () => {
    const { updater, reports, downloads } = setUp();
    await updater.offer(offerFor('0.1.0'));
    await updater.offer(offerFor('0.0.9'));
    expect(downloads).toEqual([]);
    expect(reports).toEqual([]);
  });

  it('keeps reports the server did not take, and sends them at the next connection', async () => {
    const { dataDir } = setUp();
    writeUpdateState(dataDir, {
      current: null,
      trial: null,
      reports: [{ version: '0.2.0', state: 'failed', reason: 'x' }],
    });
    const sent: UpdateStatusPayload[] = [];
    let online = false;
    const updater = new Updater({
      dataDir,
      version: '0.1.0',
      trustedKey,
      server: () => ({ url: 'https://a', ca: '' }),
      report: (status) => {
        if (!online) return Promise.resolve('unsent');
        sent.push(status);
        return Promise.resolve('acked');
      },
      restart: () => {},
      logger: silentLogger,
    });
    await updater.connected();
    expect(readUpdateState(dataDir).reports).toHaveLength(1);
    online = true;
    await updater.connected();
    expect(sent).toEqual([{ version: '0.2.0', state: 'failed', reason: 'x' }]);
    expect(readUpdateState(dataDir).reports).toEqual([]);
  });
});

describe('chooseUpdate, at start', () => {
  it('runs a new trial once; a trial that reached the server becomes the version it starts with', async () => {
    const { dataDir, updater } = setUp();
    await updater.offer(offerFor('0.2.0'));
    expect(chooseUpdate(dataDir, '0.1.0')).toBe(bundlePath(dataDir, '0.2.0'));

    const reports: UpdateStatusPayload[] = [];
    const running = new Updater({
      dataDir,
      version: '0.2.0',
      trustedKey,
      server: () => ({ url: 'https://a', ca: '' }),
      report: (status) => (reports.push(status), Promise.resolve('acked')),
      restart: () => {},
      logger: silentLogger,
    });
    await running.connected();
    expect(reports).toEqual([{ version: '0.2.0', state: 'done' }]);
    expect(readUpdateState(dataDir)).toMatchObject({ current: '0.2.0', trial: null });
    expect(chooseUpdate(dataDir, '0.1.0')).toBe(bundlePath(dataDir, '0.2.0'));
    // A newer package installed by hand wins over the update.
    expect(chooseUpdate(dataDir, '0.3.0')).toBeNull();
  });

  it('rolls back a trial that started and never reached the server, and keeps the failure to report', async () => {
    const { dataDir, updater } = setUp();
    await updater.offer(offerFor('0.2.0'));
    expect(chooseUpdate(dataDir, '0.1.0')).toBe(bundlePath(dataDir, '0.2.0'));
    expect(chooseUpdate(dataDir, '0.1.0')).toBeNull();
    const state = readUpdateState(dataDir);
    expect(state.trial).toBeNull();
    expect(state.reports.at(-1)).toEqual({
      version: '0.2.0',
      state: 'failed',
      reason: 'version 0.2.0 did not start or did not reach the server; back to 0.1.0',
    });
  });
});
