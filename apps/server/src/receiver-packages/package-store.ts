import { Injectable } from '@nestjs/common';
import { RECEIVER_PACKAGE_KINDS, VERSION_PATTERN, type ReceiverPackageManifest } from '@avisa/contracts';
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AppConfigService } from '../config/app-config.service';

export interface PublishedPackages {
  manifest: ReceiverPackageManifest;
  /** The manifest's exact text, as signed. */
  text: string;
  signature: string;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The receiver packages `npm run package:receiver` wrote into AVISA_RECEIVER_PACKAGES_DIR, as they are: the server
 * never signs anything, it serves what the project signed. Read again whenever the manifest changes on disk.
 */
@Injectable()
export class PackageStore {
  private readonly dir: string;
  private cached: { mtimeMs: number; packages: PublishedPackages | null } | null = null;

  constructor(config: AppConfigService) {
    this.dir = resolve(config.get('AVISA_RECEIVER_PACKAGES_DIR'));
  }

  current(): PublishedPackages | null {
    const manifestPath = join(this.dir, 'manifest.json');
    let mtimeMs: number;
    try {
      mtimeMs = statSync(manifestPath).mtimeMs;
    } catch {
      return null;
    }
    if (this.cached?.mtimeMs !== mtimeMs) this.cached = { mtimeMs, packages: this.read(manifestPath) };
    return this.cached.packages;
  }

  /** The path of a file the manifest lists, or null: no other name reaches the disk. */
  filePath(name: string): string | null {
    const packages = this.current();
    if (!packages || !packages.manifest.files.some((f) => f.name === name)) return null;
    return join(this.dir, basename(name));
  }

  private read(manifestPath: string): PublishedPackages | null {
    try {
      const text = readFileSync(manifestPath, 'utf8');
      const signature = readFileSync(`${manifestPath}.sig`, 'utf8').trim();
      const manifest = JSON.parse(text) as ReceiverPackageManifest;
      const valid =
        VERSION_PATTERN.test(manifest.version) &&
        Array.isArray(manifest.files) &&
        manifest.files.every(
          (f) =>
            SAFE_NAME.test(f.name) &&
            (RECEIVER_PACKAGE_KINDS as readonly string[]).includes(f.kind) &&
            /^[0-9a-f]{64}$/.test(f.sha256),
        );
      return valid ? { manifest, text, signature } : null;
    } catch {
      return null;
    }
  }
}
