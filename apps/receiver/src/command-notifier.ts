import { ChildProcess, spawn } from 'node:child_process';
import { Logger } from './logger';
import {
  DesktopNotification,
  NoDesktopSessionError,
  Notifier,
  NotifierAnswer,
  OPEN_ATTACHMENT,
  ShowHandlers,
} from './notifier';

const STOP_WAIT_MS = 2000;

/** The body as notify-send takes it: it expands backslash escapes, and daemons render body markup. */
export function plainNotifySendBody(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function commandArguments(n: DesktopNotification): string[] {
  return [
    n.title,
    plainNotifySendBody(n.message),
    '--urgency',
    n.urgent ? 'critical' : 'normal',
    '--expire-time',
    n.urgent ? '0' : '10000',
    '--app-name',
    'Avisa',
    '--hint',
    n.sound ? 'string:sound-name:message-new-instant' : 'boolean:suppress-sound:true',
    // notify-send's own form (0.8+): it prints the chosen action's name, `open-attachment`, `reply-0`…
    ...(n.attachmentAction ? [`--action=${OPEN_ATTACHMENT}=${n.attachmentAction}`] : []),
    ...(n.replies ?? []).map((reply, i) => `--action=reply-${i}=${reply}`),
  ];
}

/**
 * One line the command printed: `shown`, or how the notification ended (a `reply-N` action is a reply,
 * `open-attachment` the attachment's action).
 */
export function parseCommandLine(
  line: string,
): NotifierAnswer | 'shown' | { reply: number } | { action: typeof OPEN_ATTACHMENT } | null {
  const word = line.trim().toLowerCase();
  if (word === 'shown') return 'shown';
  if (word === OPEN_ATTACHMENT) return { action: OPEN_ATTACHMENT };
  const reply = /^reply-(\d)$/.exec(word);
  if (reply) return { reply: Number(reply[1]) };
  if (['activated', 'clicked', 'default'].includes(word)) return 'clicked';
  if (word === 'dismissed') return 'dismissed';
  if (['expired', 'timeout', 'timedout'].includes(word)) return 'timeout';
  if (word === 'closed') return 'closed';
  return null;
}

/**
 * Linux with `notifyCommand`: runs that program once per notification, without a shell, with notify-send's
 * arguments. It counts as shown when it prints `shown` or exits 0; a later line `clicked` / `dismissed` /
 * `expired` / `closed` is the answer. A failure leaves the alert waiting. Programs still running when the receiver
 * stops are ended.
 */
export class CommandNotifier implements Notifier {
  private readonly running = new Set<ChildProcess>();

  constructor(
    private readonly command: string,
    private readonly logger: Logger,
  ) {}

  show(n: DesktopNotification, handlers: ShowHandlers): void {
    let shown = false;
    let answered = false;
    let stderr = '';
    let pending = '';
    const markShown = () => {
      if (shown) return;
      shown = true;
      handlers.onShown(null);
    };
    const read = (line: string) => {
      const word = parseCommandLine(line);
      if (word === 'shown') markShown();
      else if (word && !answered) {
        markShown();
        answered = true;
        if (typeof word === 'string') handlers.onAnswer(word);
        else if ('action' in word) {
          if (n.attachmentAction) handlers.onAnswer('clicked', undefined, word.action);
          else handlers.onAnswer('clicked');
        } else if (n.replies?.[word.reply] !== undefined) handlers.onAnswer('clicked', n.replies[word.reply]);
        else handlers.onAnswer('clicked');
      }
    };
    const child = spawn(this.command, commandArguments(n), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.running.add(child);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split(/\r?\n/);
      pending = lines.pop() ?? '';
      lines.forEach(read);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-500)));
    let failed = false;
    child.on('error', (error) => {
      failed = true;
      this.running.delete(child);
      if (!shown) handlers.onFailed(new NoDesktopSessionError(`${this.command} could not run: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      this.running.delete(child);
      if (failed) return;
      if (pending) read(pending);
      if (shown || code === 0) {
        markShown();
        return;
      }
      const how = signal ? `was ended by ${signal}` : `exited with ${code}`;
      handlers.onFailed(
        new NoDesktopSessionError(`${this.command} ${how}${stderr.trim() ? `: ${stderr.trim()}` : ''}`),
      );
    });
  }

  close(): boolean {
    return false;
  }

  onAvailable(): void {}

  probe(): Promise<string | null> {
    return Promise.resolve(null);
  }

  async dispose(): Promise<void> {
    const children = [...this.running];
    this.killAll();
    await Promise.race([
      Promise.all(children.map((child) => new Promise((done) => child.once('close', done)))),
      new Promise((done) => setTimeout(done, STOP_WAIT_MS).unref()),
    ]);
  }

  /** Synchronous, for the process's last moments. */
  killAll(): void {
    for (const child of this.running) {
      if (child.exitCode === null && child.signalCode === null) {
        this.logger.debug(`Ending notifier process ${child.pid}`);
        child.kill('SIGTERM');
      }
    }
  }
}
