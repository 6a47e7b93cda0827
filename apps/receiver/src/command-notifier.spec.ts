import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandNotifier, commandArguments, parseCommandLine } from './command-notifier';
import { DesktopNotification, NoDesktopSessionError, NotifierAnswer } from './notifier';
import { MemoryLogger, tempDir } from '../test/utils';

const notification: DesktopNotification = {
  key: 'a1',
  title: 'URGENTE — Soporte',
  message: 'a <b>&</b> C:\\dir',
  urgent: true,
  sound: true,
};

/** A notification command written as a shell script. */
function command(body: string): string {
  const path = join(tempDir(), 'notify');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function run(sut: CommandNotifier) {
  const seen: { shown: number; answers: NotifierAnswer[]; failures: Error[] } = { shown: 0, answers: [], failures: [] };
  let ended: () => void = () => {};
  const done = new Promise<void>((resolve) => (ended = resolve));
  sut.show(notification, {
    onShown: () => seen.shown++,
    onAnswer: (answer) => {
      seen.answers.push(answer);
      ended();
    },
    onFailed: (error) => {
      seen.failures.push(error);
      ended();
    },
  });
  return { seen, done };
}

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

describe('CommandNotifier (notifyCommand on Linux)', () => {
  it('passes notify-send arguments: plain text, critical and never expiring for urgent alerts', () => {
    expect(commandArguments(notification)).toEqual([
      'URGENTE — Soporte',
      'a &lt;b&gt;&amp;&lt;/b&gt; C:\\\\dir',
      '--urgency',
      'critical',
      '--expire-time',
      '0',
      '--app-name',
      'Avisa',
      '--hint',
      'string:sound-name:message-new-instant',
    ]);
    expect(commandArguments({ ...notification, urgent: false, sound: false })).toEqual(
      expect.arrayContaining(['normal', '10000', 'boolean:suppress-sound:true']),
    );
  });

  it('reads the words the command prints', () => {
    expect(['shown', 'activated', 'default', 'dismissed', 'expired', 'closed', 'other'].map(parseCommandLine)).toEqual([
      'shown',
      'clicked',
      'clicked',
      'dismissed',
      'timeout',
      'closed',
      null,
    ]);
  });

  it("offers quick replies as notify-send actions and reads the chosen one's name", () => {
    expect(commandArguments({ ...notification, replies: ['Recibido', 'Llamadme'] }).slice(-2)).toEqual([
      '--action=reply-0=Recibido',
      '--action=reply-1=Llamadme',
    ]);
    expect(['reply-1', 'REPLY-0', 'reply-x'].map(parseCommandLine)).toEqual([{ reply: 1 }, { reply: 0 }, null]);
  });

  it('offers "Abrir adjunto" as a notify-send action before the replies, and reads it back', async () => {
    const args = commandArguments({ ...notification, replies: ['Recibido'], attachmentAction: 'Abrir adjunto' });
    expect(args.slice(-2)).toEqual(['--action=open-attachment=Abrir adjunto', '--action=reply-0=Recibido']);
    expect(commandArguments(notification).filter((a) => a.startsWith('--action'))).toEqual([]);
    expect(['open-attachment', 'OPEN-ATTACHMENT'].map(parseCommandLine)).toEqual([
      { action: 'open-attachment' },
      { action: 'open-attachment' },
    ]);

    const sut = new CommandNotifier(command('echo shown; echo open-attachment'), new MemoryLogger());
    const answers: unknown[][] = [];
    await new Promise<void>((done) =>
      sut.show(
        { ...notification, attachmentAction: 'Abrir adjunto' },
        {
          onShown: () => {},
          onAnswer: (...answer) => {
            answers.push(answer);
            done();
          },
          onFailed: () => done(),
        },
      ),
    );
    expect(answers).toEqual([['clicked', undefined, 'open-attachment']]);
  });

  it('counts shown when the command says so, then takes its answer', async () => {
    const sut = new CommandNotifier(command('echo shown; sleep 0.2; echo dismissed'), new MemoryLogger());
    const { seen, done } = run(sut);
    await done;
    expect(seen).toEqual({ shown: 1, answers: ['dismissed'], failures: [] });
  });

  it('counts shown when the command exits 0 without a word', async () => {
    const sut = new CommandNotifier(command('exit 0'), new MemoryLogger());
    const { seen } = run(sut);
    await until(() => seen.shown > 0);
    expect(seen).toEqual({ shown: 1, answers: [], failures: [] });
  });

  it('leaves the alert waiting when the command fails, with what it said', async () => {
    const path = command('echo "Cannot autolaunch D-Bus without X11 \\$DISPLAY" >&2; exit 1');
    const { seen, done } = run(new CommandNotifier(path, new MemoryLogger()));
    await done;
    expect(seen.shown).toBe(0);
    expect(seen.failures[0]).toBeInstanceOf(NoDesktopSessionError);
    expect((seen.failures[0] as NoDesktopSessionError).reason).toBe(
      `${path} exited with 1: Cannot autolaunch D-Bus without X11 $DISPLAY`,
    );
  });

  it('ends the commands still running when it is disposed', async () => {
    const sut = new CommandNotifier(command('echo shown; exec sleep 30'), new MemoryLogger());
    const { seen } = run(sut);
    await until(() => seen.shown > 0);
    const started = Date.now();
    await sut.dispose();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(seen.failures).toEqual([]);
  });
});
