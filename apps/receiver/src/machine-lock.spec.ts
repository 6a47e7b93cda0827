import { LockHeldError } from './lock-file';
import { MachineLock, machineLockAddress } from './machine-lock';

describe('MachineLock', () => {
  const address = machineLockAddress(process.platform, `avisa-spec-${process.pid}`);

  it('refuses a second holder, naming the first one PID, and is free again once released', async () => {
    const first = await MachineLock.acquire(address, 4242);
    const refused = await MachineLock.acquire(address, 4343).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LockHeldError);
    expect((refused as LockHeldError).pid).toBe(4242);
    expect((refused as Error).message).toContain('already running on this machine (PID 4242');
    await first.release();
    const again = await MachineLock.acquire(address, 4343);
    await again.release();
  });

  it('is an abstract socket on Linux and a named pipe on Windows, whatever the data folder', () => {
    expect(machineLockAddress('linux', 'avisa-receiver')).toBe('\0avisa-receiver');
    expect(machineLockAddress('win32', 'avisa-receiver')).toBe('\\\\.\\pipe\\avisa-receiver');
    expect(() => machineLockAddress('linux', '../etc')).toThrow('AVISA_RECEIVER_MACHINE_LOCK');
  });
});
