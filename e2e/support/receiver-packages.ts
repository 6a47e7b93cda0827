import type { ReceiverPackageManifest } from '@avisa/contracts';
import { createHash, type KeyObject, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A package folder as `npm run package:receiver` writes it, signed with `privateKey` (a key made for the spec). */
export function publishPackages(dir: string, version: string, privateKey: KeyObject) {
  const files: ReceiverPackageManifest['files'] = [];
  const add = (
    kind: 'bundle' | 'deb' | 'msi',
    platform: 'any' | 'linux-x64' | 'win-x64',
    name: string,
    body: string,
  ) => {
    writeFileSync(join(dir, name), body);
    files.push({ kind, platform, name, size: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  };
  add('bundle', 'any', `avisa-receiver-${version}.js`, `console.log('receiver ${version}');\n`);
  add('deb', 'linux-x64', `avisa-receiver_${version}_amd64.deb`, `deb ${version}`);
  add('msi', 'win-x64', `avisa-receiver-${version}-x64.msi`, `msi ${version}`);
  const manifest = JSON.stringify({ version, createdAt: new Date().toISOString(), files }, null, 2);
  writeFileSync(join(dir, 'manifest.json'), manifest);
  writeFileSync(join(dir, 'manifest.json.sig'), sign(null, Buffer.from(manifest), privateKey).toString('base64'));
  return { manifest, files };
}
