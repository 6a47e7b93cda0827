import { jest } from '@jest/globals';
import type { ReceiptPayload } from '@avisa/contracts';
import { join } from 'node:path';
import { Outbox, SendResult } from './outbox';
import { FakeClock, MemoryLogger, tempDir } from '../test/utils';

const delivered = (id: string): ReceiptPayload => ({ id, state: 'delivered', at: '2026-11-22T10:00:00.000Z' });
const read = (id: string): ReceiptPayload => ({ id, state: 'read', at: '2026-11-22T10:01:00.000Z' });

function setup() {
  const path = join(tempDir(), 'outbox.json');
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const open = () => Outbox.open(path, clock, logger);
  return { sut: open(), open, clock, logger };
}

const answering = (...results: SendResult[]) =>
  jest.fn(async (_receipt: ReceiptPayload): Promise<SendResult> => results.shift() ?? 'acked');

describe('Outbox', () => {
  it('persists queued receipts, so a new instance still has them', () => {
    const { sut, open } = setup();
    sut.add(delivered('a1'));
    sut.add(read('a1'));
    expect(
      open()
        .list()
        .map((r) => `${r.state}:${r.id}`),
    ).toEqual(['delivered:a1', 'read:a1']);
  });

  it("keeps a read's quick reply on disk and sends it with the read", async () => {
    const { sut, open } = setup();
    sut.add({ ...read('a1'), reply: 'Llamadme' });
    const send = answering('acked');
    await open().flush(send);
    expect(send).toHaveBeenCalledWith({ ...read('a1'), reply: 'Llamadme' });
  });

  it('does not queue the same receipt twice', () => {
    const { sut } = setup();
    sut.add(delivered('a1'));
    sut.add({ ...delivered('a1'), at: '2026-11-22T11:00:00.000Z' });
    expect(sut.size).toBe(1);
    expect(sut.list()[0].at).toBe('2026-11-22T10:00:00.000Z');
  });

  it('removes a receipt only once the server acked it, in order', async () => {
    const { sut, open } = setup();
    sut.add(delivered('a1'));
    sut.add(read('a1'));
    const send = answering('acked', 'acked');
    await sut.flush(send);
    expect(send.mock.calls.map(([r]) => `${r.state}:${r.id}`)).toEqual(['delivered:a1', 'read:a1']);
    expect(sut.size).toBe(0);
    expect(open().size).toBe(0);
  });

  it('keeps everything from the first unanswered receipt on, for the next connection', async () => {
    const { sut, open } = setup();
    sut.add(delivered('a1'));
    sut.add(delivered('a2'));
    sut.add(read('a1'));
    const send = answering('acked', 'unsent');
    await sut.flush(send);
    expect(send).toHaveBeenCalledTimes(2);
    expect(
      open()
        .list()
        .map((r) => `${r.state}:${r.id}`),
    ).toEqual(['delivered:a2', 'read:a1']);

    await sut.flush(answering());
    expect(sut.size).toBe(0);
  });

  it('keeps a refused receipt, goes on with the rest, and offers it again only on the next connection', async () => {
    const { sut } = setup();
    sut.add(delivered('a1'));
    sut.add(delivered('a2'));
    await sut.flush(answering('refused', 'acked'));
    expect(sut.list().map((r) => r.id)).toEqual(['a1']);

    const sameConnection = answering();
    await sut.flush(sameConnection);
    expect(sameConnection).not.toHaveBeenCalled();

    const nextConnection = answering('acked');
    await sut.flush(nextConnection, { retryRefused: true });
    expect(nextConnection).toHaveBeenCalledTimes(1);
    expect(sut.size).toBe(0);
  });

  it('runs one flush at a time and flushes again for receipts added meanwhile', async () => {
    const { sut } = setup();
    sut.add(delivered('a1'));
    let release: () => void = () => {};
    const gate = new Promise<void>((done) => (release = done));
    const sent: string[] = [];
    const send = async (r: ReceiptPayload): Promise<SendResult> => {
      sent.push(`${r.state}:${r.id}`);
      if (sent.length === 1) await gate;
      return 'acked';
    };
    const first = sut.flush(send);
    sut.add(read('a1'));
    const second = sut.flush(send);
    release();
    await Promise.all([first, second]);
    expect(sent).toEqual(['delivered:a1', 'read:a1']);
    expect(sut.size).toBe(0);
  });

  it('gives up on receipts never acknowledged within the age limit', async () => {
    const { sut, clock, logger } = setup();
    sut.add(delivered('a1'));
    clock.advance(8 * 86_400_000);
    sut.add(delivered('a2'));
    expect(sut.list().map((r) => r.id)).toEqual(['a2']);
    expect(logger.lines.join('\n')).toContain('Dropped 1 receipt');
  });
});
