/* eslint-disable no-restricted-properties -- the test hands its PATH on to the processes it starts */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A Linux desktop as a site PC has one, from Debian's packages: a D-Bus session bus (dbus-daemon), an X display
 * (Xvfb) and the dunst notification daemon, each a real process; dunstctl and xdotool act as the person at the PC.
 */

const live = new Set<ChildProcess>();

/** The Debian packages these parts come from (also installed by .ci/run). */
export const DESKTOP_PACKAGES = 'dbus dunst xvfb xdotool';

/** The commands of DESKTOP_PACKAGES this machine lacks. */
export function missingDesktopCommands(): string[] {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  return ['dbus-daemon', 'dbus-send', 'Xvfb', 'dunst', 'dunstctl', 'xdotool'].filter(
    (command) => !dirs.some((dir) => existsSync(join(dir, command))),
  );
}

/** Starts a process that belongs to the test; `stopAll()` ends whatever is still running. */
export function startProcess(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after 5 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (!running(child)) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((done) => (timer = setTimeout(done, 5000)))]);
  clearTimeout(timer);
  if (running(child)) {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map(stopProcess));
}

export function run(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((done, fail) =>
    execFile(command, args, { env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) =>
      error ? fail(new Error(`${command} ${args.join(' ')}: ${error.message} ${stderr}`)) : done(stdout),
    ),
  );
}

/** Polls `read` until `accept` holds; throws with the last value (and `context()`) after `timeoutMs`. */
export async function waitFor<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  context: () => string = () => '',
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    let error: unknown = null;
    try {
      value = await read();
      if (accept(value)) return value;
    } catch (e) {
      error = e;
    }
    if (Date.now() > deadline) {
      const last = error ? `error ${(error as Error).message}` : JSON.stringify(value);
      throw new Error(`Timed out waiting for ${what}; last: ${last}\n${context()}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** The ids of the processes whose parent is `pid` (from /proc). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return children;
}

export interface SessionBusOptions {
  /** Where the bus listens: `<socket>` (a `unix:path=` address). */
  socket: string;
  /**
   * Installs dunst as the D-Bus-activatable notification service, as Debian's dunst package does; the bus itself has
   * no DISPLAY, so an activated dunst cannot start (a service running before anyone logged in at the desktop).
   */
  activatableDunst?: boolean;
}

/** A session bus of its own (dbus-daemon with a minimal session configuration), not the machine's. */
export class SessionBus {
  private constructor(
    readonly address: string,
    readonly process: ChildProcess,
  ) {}

  static async start(dir: string, options: SessionBusOptions): Promise<SessionBus> {
    mkdirSync(join(dir, 'services'), { recursive: true });
    if (options.activatableDunst) {
      writeFileSync(
        join(dir, 'services', 'org.freedesktop.Notifications.service'),
        '[D-BUS Service]\nName=org.freedesktop.Notifications\nExec=/usr/bin/dunst\n',
      );
    }
    const config = join(dir, 'session.conf');
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${options.socket}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>${join(dir, 'services')}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
    );
    const child = startProcess('dbus-daemon', ['--config-file', config, '--nofork', '--print-address=1'], {
      HOME: dir,
    });
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    await waitFor(
      () => printed,
      (text) => text.includes('\n') || !running(child),
      'dbus-daemon to print its address',
      () => errors,
    );
    if (!running(child)) throw new Error(`dbus-daemon exited: ${errors}`);
    return new SessionBus(printed.trim(), child);
  }

  /** Whether a program owns `name` on this bus (a real call through dbus-send). */
  async hasOwner(name: string): Promise<boolean> {
    const out = await run(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { DBUS_SESSION_BUS_ADDRESS: this.address },
    );
    return out.includes('boolean true');
  }

  stop(): Promise<void> {
    return stopProcess(this.process);
  }
}

/** An X display (Xvfb) on a free display number. */
export class Display {
  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {}

  static async start(): Promise<Display> {
    const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let number = '';
    child.stdio[3]!.on('data', (chunk: Buffer) => (number += chunk.toString()));
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    await waitFor(
      () => number,
      (text) => text.includes('\n') || !running(child),
      'Xvfb to choose its display',
      () => errors,
    );
    if (!running(child)) throw new Error(`Xvfb exited: ${errors}`);
    return new Display(`:${number.trim()}`, child);
  }

  stop(): Promise<void> {
    return stopProcess(this.process);
  }
}

/** One notification as dunst keeps it in its history (closed ones). */
export interface DunstEntry {
  id: number;
  appname: string;
  summary: string;
  body: string;
}

/**
 * dunst with Debian's configuration (/etc/xdg/dunst/dunstrc), two settings added for a test machine: notifications
 * expire even though nobody touches the mouse (idle_threshold 0), and Avisa's normal ones after 1 s, not 10.
 */
export class Dunst {
  readonly output: string[] = [];

  private constructor(
    private readonly env: Record<string, string>,
    readonly process: ChildProcess,
  ) {
    process.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    process.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
  }

  static async start(dir: string, bus: SessionBus, display: Display): Promise<Dunst> {
    const config = join(dir, 'xdg', 'dunst', 'dunstrc');
    mkdirSync(join(dir, 'xdg', 'dunst'), { recursive: true });
    const debian = existsSync('/etc/xdg/dunst/dunstrc') ? readFileSync('/etc/xdg/dunst/dunstrc', 'utf8') : '';
    writeFileSync(
      config,
      `${debian}\n[global]\n    idle_threshold = 0\n\n[avisa-normal-expires-fast]\n` +
        '    appname = Avisa\n    urgency = normal\n    timeout = 1\n',
    );
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address, DISPLAY: display.name, HOME: dir };
    const dunst = new Dunst(
      env,
      startProcess('dunst', ['-config', config], { ...env, XDG_CONFIG_HOME: join(dir, 'xdg') }),
    );
    await waitFor(
      () => bus.hasOwner('org.freedesktop.Notifications'),
      (owned) => owned || !running(dunst.process),
      'dunst on the session bus',
    );
    if (!running(dunst.process)) throw new Error(`dunst exited: ${dunst.output.join('')}`);
    return dunst;
  }

  private ctl(...args: string[]): Promise<string> {
    return run('dunstctl', args, this.env);
  }

  async displayed(): Promise<number> {
    return Number((await this.ctl('count', 'displayed')).trim());
  }

  async history(): Promise<DunstEntry[]> {
    const json = JSON.parse(await this.ctl('history')) as {
      data: Record<string, { data: unknown }>[][];
    };
    return json.data[0].map((entry) => ({
      id: Number(entry.id.data),
      appname: String(entry.appname.data),
      summary: String(entry.summary.data),
      body: String(entry.body.data),
    }));
  }

  /** The default action of the first notification on screen (dunst's middle click does the same). */
  async action(): Promise<void> {
    await this.ctl('action', '0');
  }

  /** Closes the first notification on screen as the person would (dunst's "close_current"). */
  async close(): Promise<void> {
    await this.ctl('close');
  }

  /** A left click on the first notification on screen, through the X server (xdotool). */
  async leftClick(): Promise<void> {
    const windows = (await run('xdotool', ['search', '--onlyvisible', '--class', 'dunst'], this.env))
      .trim()
      .split('\n');
    await run('xdotool', ['mousemove', '--window', windows[0], '20', '15', 'click', '1'], this.env);
  }

  stop(): Promise<void> {
    return stopProcess(this.process);
  }
}
