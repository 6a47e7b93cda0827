import { jest } from '@jest/globals';
import { ChildProcess, SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { openCommand, openWithDefaultProgram, Spawn } from './opener';
import { MemoryLogger } from '../test/utils';

const FILE = '/var/lib/avisa-receiver/attachments/a1/Retirada lote 42 & $(rm -rf ~).pdf';
const WINDOWS_FILE = 'C:\\ProgramData\\Avisa\\data\\attachments\\a1\\Retirada (lote) 42 & ^x.pdf';

describe('openCommand', () => {
  it('opens with xdg-open on Linux and BSD, open on macOS: the path one argument, never a shell line', () => {
    expect(openCommand(FILE, 'linux', {})).toEqual({
      command: 'xdg-open',
      args: [FILE],
      windowsVerbatimArguments: false,
    });
    expect(openCommand(FILE, 'freebsd', {}).command).toBe('xdg-open');
    expect(openCommand(FILE, 'darwin', {})).toEqual({ command: 'open', args: [FILE], windowsVerbatimArguments: false });
  });

  it("runs cmd's start on Windows with the path quoted by the receiver, an empty title, and no AutoRun", () => {
    expect(openCommand(WINDOWS_FILE, 'win32', { ComSpec: 'C:\\Windows\\system32\\cmd.exe' })).toEqual({
      command: 'C:\\Windows\\system32\\cmd.exe',
      args: ['/d', '/v:off', '/s', '/c', `"start "" "${WINDOWS_FILE}""`],
      windowsVerbatimArguments: true,
    });
    expect(openCommand(WINDOWS_FILE, 'win32', {}).command).toBe('cmd.exe');
  });

  it('refuses on Windows a path cmd would still read inside quotes', () => {
    expect(() => openCommand('C:\\a\\100%PATH%.pdf', 'win32', {})).toThrow('cannot be given safely');
    expect(() => openCommand('C:\\a\\x".pdf', 'win32', {})).toThrow('cannot be given safely');
  });

  it('takes the program from AVISA_RECEIVER_OPEN_COMMAND when set, on every platform', () => {
    const env = { AVISA_RECEIVER_OPEN_COMMAND: '/opt/test/record-open.mjs' };
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(openCommand(FILE, platform, env)).toEqual({
        command: '/opt/test/record-open.mjs',
        args: [FILE],
        windowsVerbatimArguments: false,
      });
    }
  });
});

/** A child process that starts (or fails to) and exits as told. */
function fakeSpawn(outcome: 'spawn' | Error) {
  const calls: { command: string; args: string[]; options: SpawnOptions }[] = [];
  let child: (EventEmitter & { unref: ReturnType<typeof jest.fn> }) | null = null;
  const spawn: Spawn = (command, args, options) => {
    calls.push({ command, args, options });
    const emitter = Object.assign(new EventEmitter(), { unref: jest.fn() });
    child = emitter;
    setImmediate(() => (outcome === 'spawn' ? emitter.emit('spawn') : emitter.emit('error', outcome)));
    return emitter as unknown as ChildProcess;
  };
  return { spawn, calls, child: () => child! };
}

describe('openWithDefaultProgram', () => {
  it('starts the program detached, without a shell, inheriting nothing, and lets it run on its own', async () => {
    const { spawn, calls, child } = fakeSpawn('spawn');
    const logger = new MemoryLogger();
    await openWithDefaultProgram(FILE, { platform: 'linux', env: () => ({ DISPLAY: ':0' }), logger, spawn });
    expect(calls).toEqual([
      {
        command: 'xdg-open',
        args: [FILE],
        options: {
          detached: true,
          stdio: 'ignore',
          shell: false,
          windowsHide: true,
          windowsVerbatimArguments: false,
          env: { DISPLAY: ':0' },
        },
      },
    ]);
    expect(child().unref).toHaveBeenCalled();
    child().emit('exit', 4, null);
    expect(logger.lines).toEqual([`warn xdg-open exited with 4 opening ${FILE}`]);
  });

  it('rejects when the program cannot start', async () => {
    const { spawn } = fakeSpawn(Object.assign(new Error('spawn xdg-open ENOENT'), { code: 'ENOENT' }));
    await expect(
      openWithDefaultProgram(FILE, { platform: 'linux', env: () => ({}), logger: new MemoryLogger(), spawn }),
    ).rejects.toThrow('xdg-open could not run: spawn xdg-open ENOENT');
  });
});
