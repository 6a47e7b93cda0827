import {
  compareVersions,
  VERSION_PATTERN,
  type ReceiverPackageManifest,
  type UpdateOfferPayload,
  type UpdateStatusPayload,
} from '@avisa/contracts';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from './atomic-file';
import { Logger } from './logger';
import { SendResult } from './outbox';

export const UPDATES_DIR = 'updates';
export const BUNDLE_FILE = 'avisa-receiver.js';
const STATE_FILE = 'state.json';
const BUNDLE_MAX_BYTES = 64 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * `<dataDir>/updates/state.json`. `trial`: a version installed but not yet seen running and connected; `current`: the
 * last version that did; `reports`: what the server has not acknowledged yet.
 */
export interface UpdateState {
  current: string | null;
  trial: { version: string; starts: number } | null;
  reports: UpdateStatusPayload[];
}

const EMPTY: UpdateState = { current: null, trial: null, reports: [] };

export function readUpdateState(dataDir: string): UpdateState {
  const read = readJson(join(dataDir, UPDATES_DIR, STATE_FILE));
  if (read.kind !== 'ok' || typeof read.data !== 'object' || read.data === null) return { ...EMPTY, reports: [] };
  const data = read.data as Partial<UpdateState>;
  return {
    current: typeof data.current === 'string' && VERSION_PATTERN.test(data.current) ? data.current : null,
    trial:
      data.trial && typeof data.trial.version === 'string' && VERSION_PATTERN.test(data.trial.version)
        ? { version: data.trial.version, starts: Number(data.trial.starts) || 0 }
        : null,
    reports: Array.isArray(data.reports) ? data.reports.slice(-20) : [],
  };
}

export function writeUpdateState(dataDir: string, state: UpdateState): void {
  writeJsonAtomic(join(dataDir, UPDATES_DIR, STATE_FILE), state);
}

export const bundlePath = (dataDir: string, version: string) => join(dataDir, UPDATES_DIR, version, BUNDLE_FILE);

/**
 * At start, before anything else: which installed update to run instead of the packaged code, or null.
 * A trial that already started once and never reached the server (it crashed, or could not connect before its
 * deadline) is rolled back here, and its failure kept to be reported.
 */
export function chooseUpdate(dataDir: string, packagedVersion: string): string | null {
  const state = readUpdateState(dataDir);
  if (state.trial) {
    if (state.trial.starts >= 1) {
      const back =
        state.current && compareVersions(state.current, packagedVersion) > 0 ? state.current : packagedVersion;
      state.reports.push({
        version: state.trial.version,
        state: 'failed',
        reason: `version ${state.trial.version} did not start or did not reach the server; back to ${back}`,
      });
      state.trial = null;
      writeUpdateState(dataDir, state);
    } else if (existsSync(bundlePath(dataDir, state.trial.version))) {
      state.trial.starts += 1;
      writeUpdateState(dataDir, state);
      return bundlePath(dataDir, state.trial.version);
    }
  }
  if (
    state.current &&
    compareVersions(state.current, packagedVersion) > 0 &&
    existsSync(bundlePath(dataDir, state.current))
  ) {
    return bundlePath(dataDir, state.current);
  }
  return null;
}

export interface UpdaterDeps {
  dataDir: string;
  /** The version running now. */
  version: string;
  /** The Ed25519 public key (PEM) updates must be signed with, trusted since installation; null: updates refused. */
  trustedKey: string | null;
  server(): { url: string; ca: string };
  report(status: UpdateStatusPayload): Promise<SendResult>;
  /** Ends the process so the service manager starts it again, into the new version. */
  restart(): void;
  logger: Logger;
  download?: (url: string, ca: string) => Promise<Buffer>;
}

/** Takes the server's update offers: verify, download, check, install, restart; and reports how it went. */
export class Updater {
  private busy = false;

  constructor(private readonly deps: UpdaterDeps) {}

  /** Once connected and welcomed: a trial that reached the server is now this site's version. Then the reports. */
  async connected(): Promise<void> {
    const { dataDir, version, logger } = this.deps;
    const state = readUpdateState(dataDir);
    if (state.trial?.version === version) {
      state.current = version;
      state.trial = null;
      state.reports.push({ version, state: 'done' });
      writeUpdateState(dataDir, state);
      logger.info(`Updated to ${version}`);
    }
    await this.flushReports();
  }

  async offer(payload: unknown): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const offer = parseOffer(payload);
      if (!offer) {
        this.deps.logger.warn('Ignored an update offer that is not { version, manifest, signature, path }');
        return;
      }
      if (compareVersions(offer.version, this.deps.version) <= 0) return;
      this.deps.logger.info(`The server offers version ${offer.version} (running ${this.deps.version})`);
      const problem = await this.install(offer);
      if (problem) {
        this.deps.logger.error(`Update to ${offer.version} refused: ${problem}`);
        await this.queue({ version: offer.version, state: 'failed', reason: problem });
        return;
      }
      await this.queue({ version: offer.version, state: 'installed' });
      this.deps.logger.info(`Version ${offer.version} installed; restarting into it`);
      this.deps.restart();
    } finally {
      this.busy = false;
    }
  }

  /** Null when installed as a trial; otherwise why not (nothing changed then). */
  private async install(offer: UpdateOfferPayload): Promise<string | null> {
    const { trustedKey, dataDir } = this.deps;
    if (!trustedKey) return 'no update key was installed with this receiver (update-key.pem); updates are off';
    let signed: boolean;
    try {
      signed = verify(
        null,
        Buffer.from(offer.manifest, 'utf8'),
        createPublicKey(trustedKey),
        Buffer.from(offer.signature, 'base64'),
      );
    } catch (error) {
      return `the signature could not be checked: ${(error as Error).message}`;
    }
    if (!signed) return 'the manifest is not signed with the key this receiver trusts';
    let manifest: ReceiverPackageManifest;
    try {
      manifest = JSON.parse(offer.manifest) as ReceiverPackageManifest;
    } catch {
      return 'the manifest is not JSON';
    }
    if (manifest.version !== offer.version) return `the manifest is for ${manifest.version}, not ${offer.version}`;
    const bundle = manifest.files?.find((f) => f.kind === 'bundle');
    if (!bundle) return 'the manifest names no receiver bundle';
    const server = this.deps.server();
    let body: Buffer;
    try {
      body = await (this.deps.download ?? download)(new URL(offer.path, server.url).toString(), server.ca);
    } catch (error) {
      return `download failed: ${(error as Error).message}`;
    }
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (sha256 !== bundle.sha256) return `the download's SHA-256 ${sha256} is not the signed ${bundle.sha256}`;
    const target = bundlePath(dataDir, offer.version);
    mkdirSync(join(target, '..'), { recursive: true, mode: 0o750 });
    const temp = `${target}.tmp`;
    const fd = openSync(temp, 'w', 0o640);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    const state = readUpdateState(dataDir);
    state.trial = { version: offer.version, starts: 0 };
    writeUpdateState(dataDir, state);
    return null;
  }

  private async queue(report: UpdateStatusPayload): Promise<void> {
    const state = readUpdateState(this.deps.dataDir);
    state.reports.push(report);
    writeUpdateState(this.deps.dataDir, state);
    await this.flushReports();
  }

  private async flushReports(): Promise<void> {
    const { dataDir, report, logger } = this.deps;
    for (;;) {
      const state = readUpdateState(dataDir);
      const next = state.reports[0];
      if (!next) return;
      const result = await report(next);
      if (result === 'unsent') return;
      if (result === 'refused') logger.warn(`The server refused the update report ${next.state} ${next.version}`);
      const after = readUpdateState(dataDir);
      after.reports = after.reports.slice(1);
      writeUpdateState(dataDir, after);
    }
  }
}

/** The trusted update key: AVISA_RECEIVER_UPDATE_KEY, or update-key.pem beside the installed program. */
export function readTrustedKey(env: NodeJS.ProcessEnv, programDir: string): string | null {
  const path = env.AVISA_RECEIVER_UPDATE_KEY || join(programDir, 'update-key.pem');
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function parseOffer(payload: unknown): UpdateOfferPayload | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { version, manifest, signature, path } = payload as Record<string, unknown>;
  if (typeof version !== 'string' || !VERSION_PATTERN.test(version)) return null;
  if (typeof manifest !== 'string' || typeof signature !== 'string') return null;
  if (typeof path !== 'string' || !path.startsWith('/')) return null;
  return { version, manifest, signature, path };
}

/** GET over HTTPS trusting only the configured certificate, as the receiver's own connection does. */
function download(url: string, ca: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = get(url, { ca, rejectUnauthorized: true, timeout: DOWNLOAD_TIMEOUT_MS }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`the server answered ${response.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > BUNDLE_MAX_BYTES) request.destroy(new Error('the bundle is larger than 64 MB'));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}
