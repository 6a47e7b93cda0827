import { Injectable } from '@nestjs/common';
import type { InstallerRequest } from '@avisa/contracts';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { FieldValidationException } from '../common/http/validation';
import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { ReceiversService } from '../receivers/receivers.service';
import {
  InstallerValues,
  linuxInstaller,
  linuxInstallerName,
  windowsInstaller,
  windowsInstallerName,
} from './installer-scripts';
import { PackageStore } from './package-store';
import { apiError, fieldProblem } from '../common/http/api-error';

export interface Installer {
  fileName: string;
  contentType: string;
  body: string;
}

/** What may stand between quotes in a script: no quote, backslash, dollar, backtick or control character. */
const SCRIPT_SAFE = /^[A-Za-z0-9_.:/@%+=,~-]+$/;

/**
 * A one-file installer for one site: the server's address, the certificate receivers must trust, the site's name and
 * the key the admin was just shown. The key is never stored in clear, so the admin sends it back; a wrong key is
 * refused, which also keeps an installer from being made for a site whose key the admin does not hold.
 */
@Injectable()
export class InstallerService {
  constructor(
    private readonly receivers: ReceiversService,
    private readonly store: PackageStore,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  async build(site: string, request: InstallerRequest, origin: string, actor: Actor): Promise<Installer> {
    const auth = await this.receivers.authenticate(site, request.key);
    if (!auth.ok || !SCRIPT_SAFE.test(request.key)) {
      throw apiError('installer.wrong_key');
    }
    const name = auth.receiver.name;
    const serverUrl = this.serverUrl(origin);
    const kind = request.platform === 'linux' ? 'deb' : 'msi';
    const file = this.store.current()?.manifest.files.find((f) => f.kind === kind);
    if (!file) {
      throw new FieldValidationException([
        fieldProblem('platform', 'installer.no_package', { field: 'platform', kind }),
      ]);
    }
    const serverCert = this.config.get('AVISA_TLS_CERT') || join(this.config.get('AVISA_CERTS_DIR'), 'server.crt');
    const caPem = certificates(this.config.get('AVISA_RECEIVER_CA_FILE') || serverCert);
    const values: InstallerValues = {
      serverUrl,
      site: name,
      key: request.key,
      caPem,
      caThumbprint: new X509Certificate(certificates(serverCert)).fingerprint.replaceAll(':', '').toUpperCase(),
      packageName: file.name,
      packageSha256: file.sha256,
      version: this.store.current()?.manifest.version ?? '',
      madeAt: new Date(this.clock.now()).toISOString(),
    };
    await this.events.emit('receiver.installer.made', {
      actor,
      target: name,
      details: { platform: request.platform, version: values.version },
    });
    return request.platform === 'linux'
      ? { fileName: linuxInstallerName(name), contentType: 'text/x-shellscript', body: linuxInstaller(values) }
      : { fileName: windowsInstallerName(name), contentType: 'text/plain', body: windowsInstaller(values) };
  }

  /** AVISA_PUBLIC_URL, or the address the admin's browser used to reach this server. */
  private serverUrl(origin: string): string {
    const configured = this.config.get('AVISA_PUBLIC_URL');
    let url: URL;
    try {
      url = new URL(configured || origin);
    } catch {
      throw new FieldValidationException([fieldProblem('origin', 'installer.no_address', { field: 'origin' })]);
    }
    const text = `https://${url.host}`;
    if (!SCRIPT_SAFE.test(text)) {
      throw new FieldValidationException([fieldProblem('origin', 'installer.no_address', { field: 'origin' })]);
    }
    return text;
  }
}

/** The PEM certificates of a file, and nothing else it may hold (never a private key). */
function certificates(path: string): string {
  const found = readFileSync(path, 'utf8').match(
    /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g,
  );
  if (!found) throw new Error(`${path} holds no PEM certificate`);
  return found.join('\n');
}
