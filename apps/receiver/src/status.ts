import type { AttachmentStatus } from './attachments';
import { readJson, writeJsonAtomic } from './atomic-file';
import { Clock, iso } from './clock';
import { lockOwner, PidProbe } from './lock-file';
import { NO_DESKTOP_SESSION } from './notifier';

export const STATUS_FILE = 'status.json';

export type ConnectionState = 'starting' | 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface LastAlert {
  id: string;
  receivedAt: string;
  priority: string;
  sender: string;
  excerpt: string;
}

/** Whether this PC can show notifications now, as the last attempt found. */
export interface DesktopStatus {
  state: 'unknown' | 'available' | 'unavailable';
  reason: string | null;
  since: string | null;
  /** Alerts received and not shown yet (their 'delivered' is not sent). */
  waitingAlerts: number;
}

export interface ReceiverStatus {
  pid: number;
  version: string;
  state: ConnectionState;
  since: string;
  serverUrl: string;
  name: string;
  displayName: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  lastAlert: LastAlert | null;
  pendingReceipts: number;
  desktop: DesktopStatus;
  /** The latest alerts' attachments, newest first: where each is saved and whether it is there. */
  attachments: AttachmentStatus[];
  updatedAt: string;
}

/** The running instance's view of itself, rewritten on every change for `avisa-receiver status` to read. */
export class StatusWriter {
  private status: ReceiverStatus;

  constructor(
    private readonly path: string,
    private readonly clock: Clock,
    initial: Pick<ReceiverStatus, 'pid' | 'version' | 'serverUrl' | 'name'>,
  ) {
    const now = iso(clock.now());
    this.status = {
      ...initial,
      state: 'starting',
      since: now,
      displayName: null,
      lastError: null,
      nextAttemptAt: null,
      lastAlert: null,
      pendingReceipts: 0,
      desktop: { state: 'unknown', reason: null, since: null, waitingAlerts: 0 },
      attachments: [],
      updatedAt: now,
    };
    this.write();
  }

  get current(): ReceiverStatus {
    return { ...this.status };
  }

  updateDesktop(available: boolean | null, reason: string | null, waitingAlerts: number): void {
    const state = available === null ? 'unknown' : available ? 'available' : 'unavailable';
    const previous = this.status.desktop;
    const since = state === previous.state && reason === previous.reason ? previous.since : iso(this.clock.now());
    this.update({ desktop: { state, reason, since, waitingAlerts } });
  }

  update(change: Partial<Omit<ReceiverStatus, 'pid' | 'version' | 'since' | 'updatedAt'>>): void {
    const now = iso(this.clock.now());
    const since = change.state && change.state !== this.status.state ? now : this.status.since;
    this.status = { ...this.status, ...change, since, updatedAt: now };
    this.write();
  }

  private write(): void {
    writeJsonAtomic(this.path, this.status);
  }
}

export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export interface StatusReport {
  connected: boolean;
  text: string;
}

const STATE_WORDS: Record<ConnectionState, string> = {
  starting: 'starting',
  connecting: 'connecting',
  connected: 'connected',
  disconnected: 'disconnected',
  stopped: 'stopped',
};

/** What `avisa-receiver status` prints; "connected" only when the lock's PID lives and the instance says so. */
export function statusReport(lockPath: string, statusPath: string, isAlive: PidProbe, now: number): StatusReport {
  const pid = lockOwner(lockPath, isAlive);
  const read = readJson(statusPath);
  const status = read.kind === 'ok' ? (read.data as ReceiverStatus) : null;
  const lines: string[] = [];
  const running = pid !== null;
  if (!running) {
    lines.push('avisa-receiver is not running.');
  } else if (!status || status.pid !== pid) {
    lines.push(`avisa-receiver is running (PID ${pid}) and has not published its state yet.`);
  } else {
    lines.push(`avisa-receiver ${STATE_WORDS[status.state] ?? status.state} (PID ${pid}, version ${status.version})`);
  }
  if (status) {
    const row = (label: string, value: string | number) => lines.push(`  ${`${label}:`.padEnd(20)}${value}`);
    row('Server', status.serverUrl);
    row('Site', status.displayName ? `${status.name} (${status.displayName})` : status.name);
    row(running ? 'Since' : 'Last state', `${status.since} (${ago(status.since, now)})`);
    if (status.lastError && status.state !== 'connected') row('Last error', status.lastError);
    if (status.nextAttemptAt && status.state === 'disconnected') row('Next attempt', status.nextAttemptAt);
    const alert = status.lastAlert;
    row('Last alert', alert ? `${alert.receivedAt} [${alert.id}] ${alert.sender}: "${alert.excerpt}"` : 'none');
    row('Receipts to send', status.pendingReceipts);
    const desktop = status.desktop as DesktopStatus | undefined;
    if (running && desktop) row('Notifications', desktopLine(desktop, now));
    const attachments = Array.isArray(status.attachments) ? status.attachments : [];
    if (attachments.length > 0) {
      row('Attachments', `${attachments.length} (newest first)`);
      for (const a of attachments) lines.push(`    [${a.alertId}] ${a.path}: ${attachmentLine(a)}`);
    }
  }
  const connected = running && status?.pid === pid && status.state === 'connected';
  return { connected, text: lines.join('\n') };
}

const ATTACHMENT_WORDS: Record<AttachmentStatus['state'], string> = {
  waiting: 'waiting to download',
  downloading: 'downloading',
  downloaded: 'downloaded',
  deleted: 'deleted',
  failed: 'failed',
};

function attachmentLine(a: AttachmentStatus): string {
  const word = ATTACHMENT_WORDS[a.state] ?? a.state;
  return a.reason ? `${word}: ${a.reason}` : word;
}

function desktopLine(desktop: DesktopStatus, now: number): string {
  const waiting = desktop.waitingAlerts > 0 ? `; ${desktop.waitingAlerts} alert(s) waiting to be shown` : '';
  if (desktop.state === 'unavailable') {
    const since = desktop.since ? `, since ${desktop.since} (${ago(desktop.since, now)})` : '';
    return `${NO_DESKTOP_SESSION} (${desktop.reason ?? 'no detail'})${since}${waiting}`;
  }
  if (desktop.state === 'available') return `shown${waiting}`;
  return `not checked yet${waiting}`;
}

function ago(when: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(when)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
