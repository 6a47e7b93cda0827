/* eslint-disable no-restricted-properties -- the test hands its PATH on to the processes it starts */
import type { DeliveryResponse, ReceiverUpdatesResponse, SendMessageResponse } from '@avisa/contracts';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { TestServer } from '../../../e2e/support/server';
import { Display, Dunst, missingDesktopCommands, SessionBus, stopAll, waitFor } from './desktop';

/**
 * The packages a pharmacy's IT installs, as they would: `npm run package:receiver` builds them; the site's installer
 * made by the server installs the .deb on this machine (as root, with dpkg), the installed receiver shows an alert
 * through a real notification daemon, updates itself from the server (and rolls back an update that does not start),
 * and `dpkg --purge` leaves nothing behind. The MSI is checked by its tables: Windows cannot run here.
 */
const ROOT = resolve(__dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts/package-receiver.mjs');
const INSTALLED = [
  '/usr/lib/avisa-receiver',
  '/usr/bin/avisa-receiver',
  '/etc/avisa-receiver',
  '/var/lib/avisa-receiver',
];

const sha256 = (body: Buffer | string) => createHash('sha256').update(body).digest('hex');

function packageReceiver(out: string, key: string, ...args: string[]): void {
  execFileSync(process.execPath, [SCRIPT, '--out', out, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', AVISA_RECEIVER_SIGNING_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Runs the installed receiver as its systemd unit would (`Restart=always`): started again whenever it exits, until
 * the test stops it. This machine runs no systemd; the test stands in for it.
 */
class ServiceManager {
  private child: ChildProcess | null = null;
  private stopping = false;
  readonly exits: (number | null)[] = [];
  readonly output: string[] = [];

  constructor(private readonly env: Record<string, string>) {}

  start(): void {
    const child = spawn('/usr/bin/avisa-receiver', ['run'], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.once('exit', (code) => {
      this.exits.push(code);
      if (!this.stopping) this.start();
    });
    this.child = child;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }

  get text(): string {
    return `installed receiver printed:\n${this.output.join('').slice(-4000)}`;
  }
}

describe('the receiver packages, installed and updated as at a site', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'avisa-package-'));
  const served = join(dir, 'served');
  const key = join(dir, 'signing.key');
  let server: TestServer;
  let admin: string;
  let service: ServiceManager;
  let bus: SessionBus;
  let display: Display;
  let dunst: Dunst;

  const site = 'farmacia-paquete';

  const delivery = async (id: string): Promise<DeliveryResponse | undefined> => {
    const response = await server.api('GET', `/api/v1/messages/${id}`, { token: admin });
    return (response.body.deliveries as DeliveryResponse[]).find((d) => d.receiver === site);
  };

  const clientVersion = async (): Promise<string | null> =>
    (await server.api('GET', `/api/v1/receivers/${site}`, { token: admin })).body.clientVersion;

  const updates = async () =>
    (await server.api<ReceiverUpdatesResponse>('GET', '/api/v1/receiver-updates', { token: admin })).body;

  beforeAll(async () => {
    const missing = missingDesktopCommands();
    if (missing.length > 0) throw new Error(`${missing.join(', ')} not found (see .ci/run)`);
    for (const command of ['dpkg', 'msiinfo', 'wixl', 'curl']) {
      if (!existsSync(`/usr/bin/${command}`)) throw new Error(`${command} not found: see .ci/run`);
    }
    packageReceiver(served, key);
    server = await TestServer.start({ env: { AVISA_RECEIVER_PACKAGES_DIR: served } });
    admin = await server.loginAdmin();
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    await stopAll();
    await server?.dispose();
    if (existsSync('/usr/lib/avisa-receiver')) execFileSync('dpkg', ['--purge', 'avisa-receiver'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds a signed manifest listing the bundle, the .deb and the MSI with their hashes', () => {
    const manifestText = readFileSync(join(served, 'manifest.json'));
    const signature = Buffer.from(readFileSync(join(served, 'manifest.json.sig'), 'utf8'), 'base64');
    expect(verify(null, manifestText, createPublicKey(createPrivateKey(readFileSync(key))), signature)).toBe(true);
    const manifest = JSON.parse(manifestText.toString()) as {
      version: string;
      files: { name: string; sha256: string; kind: string }[];
    };
    expect(manifest.files.map((f) => f.kind)).toEqual(['bundle', 'deb', 'msi']);
    for (const file of manifest.files) expect(sha256(readFileSync(join(served, file.name)))).toBe(file.sha256);
  });

  it('builds an MSI that installs node.exe, the bundle and the update key, and starts the receiver at every logon', () => {
    const msi = readdirName(served, '.msi');
    const files = execFileSync('msiinfo', ['export', msi, 'File'], { encoding: 'utf8' });
    for (const name of ['node.exe', 'avisa-receiver.js', 'update-key.pem', 'run-hidden.vbs', 'snoretoast-x64.exe']) {
      expect(files).toContain(`\t${name}\t`);
    }
    const registry = execFileSync('msiinfo', ['export', msi, 'Registry'], { encoding: 'utf8' });
    expect(registry).toMatch(
      /\t2\tSoftware\\Microsoft\\Windows\\CurrentVersion\\Run\tAvisaReceiver\twscript\.exe \/\/B \/\/Nologo "\[INSTALLDIR\]run-hidden\.vbs"\t/,
    );
    const directories = execFileSync('msiinfo', ['export', msi, 'Directory'], { encoding: 'utf8' });
    expect(directories).toMatch(/INSTALLDIR\tAvisaFolder\tReceiver/);
    expect(directories).toMatch(/AvisaFolder\tProgramFiles64Folder\tAvisa/);
  });

  it("installs from the site's installer: the .deb, its account and folders, the config with the key", async () => {
    const created = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: site } });
    const installer = await server.api('POST', `/api/v1/receivers/${site}/installer`, {
      token: admin,
      body: { key: created.body.key, platform: 'linux' },
    });
    expect(installer.status).toBe(200);
    const script = join(dir, `avisa-install-${site}.sh`);
    writeFileSync(script, String(installer.body));
    const printed = execFileSync('sh', [script], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(printed).toContain(`installed for the site ${site}`);

    expect(statSync('/usr/lib/avisa-receiver/node').mode & 0o111).not.toBe(0);
    expect(execFileSync('/usr/bin/avisa-receiver', ['--version'], { encoding: 'utf8' }).trim()).toBe('0.1.0');
    expect(execFileSync('getent', ['passwd', 'avisa-receiver'], { encoding: 'utf8' })).toContain('/usr/sbin/nologin');
    const config = statSync('/etc/avisa-receiver/config.json');
    expect(config.mode & 0o777).toBe(0o640);
    expect(config.gid).toBe(
      Number(execFileSync('getent', ['group', 'avisa-receiver'], { encoding: 'utf8' }).split(':')[2]),
    );
    expect(JSON.parse(readFileSync('/etc/avisa-receiver/config.json', 'utf8'))).toMatchObject({
      serverUrl: server.baseUrl,
      name: site,
      key: created.body.key,
      ca: '/etc/avisa-receiver/server.crt',
    });
    expect(readFileSync('/lib/systemd/system/avisa-receiver.service', 'utf8')).toContain('Restart=always');

    // The service's own account reads the config and its state folder (the unit runs it so without a desktop user).
    const asService = spawnSync(
      'setpriv',
      ['--reuid', 'avisa-receiver', '--regid', 'avisa-receiver', '--init-groups', '/usr/bin/avisa-receiver', 'status'],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(asService.stderr).toBe('');
    expect(asService.stdout).toMatch(/is not running/);

    const unknown = spawnSync('/usr/sbin/avisa-receiver-setup', ['--desktop-user', 'nadie-aqui'], { encoding: 'utf8' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('There is no account named nadie-aqui');
    const setup = spawnSync('/usr/sbin/avisa-receiver-setup', ['--desktop-user', 'root'], { encoding: 'utf8' });
    expect(setup.stdout).toContain('Alerts will show on the desktop of root (uid 0).');
    expect(readFileSync('/etc/systemd/system/avisa-receiver.service.d/desktop-user.conf', 'utf8')).toContain(
      'User=root\nGroup=root\nSupplementaryGroups=avisa-receiver\nEnvironment=XDG_RUNTIME_DIR=/run/user/0\n',
    );
  });

  it('runs the installed receiver: an alert is shown by the notification daemon and confirmed delivered', async () => {
    const desktop = join(dir, 'desktop');
    bus = await SessionBus.start(desktop, { socket: join(dir, 'bus') });
    display = await Display.start();
    dunst = await Dunst.start(desktop, bus, display);
    service = new ServiceManager({
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      AVISA_RECEIVER_MACHINE_LOCK: `avisa-test-${basename(dir)}`,
    });
    service.start();
    await waitFor(
      clientVersion,
      (v) => v === 'avisa-receiver/0.1.0',
      'the installed receiver online',
      () => service.text,
    );

    const sent = await server.api<SendMessageResponse>('POST', '/api/v1/messages', {
      token: admin,
      body: {
        target: { kind: 'receiver', name: site },
        text: 'Retirada del lote 2417: revisad el almacén',
        priority: 'urgent',
      },
    });
    expect(sent.body.online).toEqual([site]);
    await waitFor(
      () => delivery(sent.body.id),
      (d) => d?.state === 'delivered',
      'delivered',
      () => service.text,
    );
    // An urgent alert stays on screen until someone reads it.
    expect(await dunst.displayed()).toBe(1);
    expect(execFileSync('/usr/bin/avisa-receiver', ['status'], { encoding: 'utf8' })).toMatch(/farmacia-paquete/);
  });

  it('updates itself from the server to a newer signed version, restarting into it', async () => {
    const next = join(dir, 'next');
    packageReceiver(next, key, '--version', '0.2.0', '--only', 'bundle');
    cpSync(next, served, { recursive: true });
    const started = await server.api('POST', '/api/v1/receiver-updates', {
      token: admin,
      body: { version: '0.2.0', when: 'now' },
    });
    expect(started.status).toBe(201);
    await waitFor(
      clientVersion,
      (v) => v === 'avisa-receiver/0.2.0',
      'the receiver back as 0.2.0',
      () => service.text,
      60_000,
    );
    expect(service.exits).toContain(3);
    const report = await waitFor(
      updates,
      (u) => u.sites.some((s) => s.name === site && s.state === 'done'),
      'the done report',
    );
    expect(report.sites.find((s) => s.name === site)).toMatchObject({ version: '0.2.0', state: 'done' });
  });

  it('rolls back an update that does not start, and reports why', async () => {
    const body = "process.stderr.write('broken build\\n'); process.exit(70);\n";
    const manifest = `${JSON.stringify(
      {
        version: '0.3.0',
        createdAt: new Date().toISOString(),
        files: [
          { kind: 'bundle', platform: 'any', name: 'avisa-receiver-0.3.0.js', sha256: sha256(body), size: body.length },
        ],
      },
      null,
      2,
    )}\n`;
    writeFileSync(join(served, 'avisa-receiver-0.3.0.js'), body);
    writeFileSync(
      join(served, 'manifest.json.sig'),
      sign(null, Buffer.from(manifest), createPrivateKey(readFileSync(key))).toString('base64'),
    );
    writeFileSync(join(served, 'manifest.json'), manifest);
    expect(
      (await server.api('POST', '/api/v1/receiver-updates', { token: admin, body: { version: '0.3.0', when: 'now' } }))
        .status,
    ).toBe(201);

    const report = await waitFor(
      updates,
      (u) => u.sites.some((s) => s.name === site && s.version === '0.3.0' && s.state === 'failed'),
      'the failed report',
      () => service.text,
      60_000,
    );
    expect(report.sites.find((s) => s.name === site)!.reason).toBe(
      'version 0.3.0 did not start or did not reach the server; back to 0.2.0',
    );
    expect(service.exits).toContain(70);
    await waitFor(
      clientVersion,
      (v) => v === 'avisa-receiver/0.2.0',
      'the receiver back on 0.2.0',
      () => service.text,
    );
  });

  it('is removed cleanly: dpkg --purge leaves no file, folder or account behind', async () => {
    await service.stop();
    execFileSync('dpkg', ['--purge', 'avisa-receiver'], { stdio: 'ignore' });
    for (const path of INSTALLED) expect(existsSync(path)).toBe(false);
    expect(existsSync('/var/log/avisa-receiver')).toBe(false);
    expect(() => execFileSync('getent', ['passwd', 'avisa-receiver'], { stdio: 'ignore' })).toThrow();
    expect(() => execFileSync('getent', ['group', 'avisa-receiver'], { stdio: 'ignore' })).toThrow();
  });
});

function readdirName(folder: string, suffix: string): string {
  const name = readdirSync(folder).find((f) => f.endsWith(suffix));
  if (!name) throw new Error(`no ${suffix} in ${folder}`);
  return join(folder, name);
}
