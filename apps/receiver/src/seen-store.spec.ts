import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeenStore } from './seen-store';
import { FakeClock, MemoryLogger, tempDir } from '../test/utils';

function setup(limits = { maxAgeMs: 7 * 86_400_000, maxEntries: 100 }) {
  const dir = tempDir();
  const path = join(dir, 'seen.json');
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const open = () => SeenStore.open(path, clock, logger, limits);
  return { sut: open(), open, path, dir, clock, logger };
}

describe('SeenStore', () => {
  it('records an alert being shown, then shown, then read', () => {
    const { sut, clock } = setup();
    expect(sut.get('a1')).toBeUndefined();
    sut.beginShow('a1', 0);
    expect(sut.get('a1')).toMatchObject({ reminder: 0, shownAt: null, readAt: null, retracted: false });
    clock.advance(1000);
    const shownAt = sut.markShown('a1');
    clock.advance(1000);
    expect(sut.markRead('a1')).toBe(shownAt + 1000);
    expect(sut.markRead('a1')).toBeNull();
    expect(sut.get('a1')).toMatchObject({ shownAt, readAt: shownAt + 1000 });
  });

  it('keeps the first showing time and the highest reminder across reminders', () => {
    const { sut, clock } = setup();
    sut.beginShow('a1', 0);
    const first = sut.markShown('a1');
    clock.advance(60_000);
    sut.beginShow('a1', 2);
    expect(sut.markShown('a1')).toBe(first);
    sut.beginShow('a1', 1);
    expect(sut.get('a1')?.reminder).toBe(2);
  });

  it('forgets a failed first showing, and rolls back a failed reminder', () => {
    const { sut } = setup();
    const previous = sut.beginShow('a1', 0);
    sut.abortShow('a1', previous);
    expect(sut.get('a1')).toBeUndefined();

    sut.beginShow('a2', 0);
    sut.markShown('a2');
    const beforeReminder = sut.beginShow('a2', 3);
    sut.abortShow('a2', beforeReminder);
    expect(sut.get('a2')?.reminder).toBe(0);
  });

  it('remembers a retraction, also for an id it never saw', () => {
    const { sut } = setup();
    sut.markRetracted('never-seen');
    sut.beginShow('a1', 0);
    sut.markShown('a1');
    sut.markRetracted('a1');
    expect(sut.get('never-seen')).toMatchObject({ retracted: true, shownAt: null });
    expect(sut.get('a1')).toMatchObject({ retracted: true });
  });

  it('persists every change, so a new instance (a restart) knows the same', () => {
    const { sut, open, clock } = setup();
    sut.beginShow('a1', 0);
    sut.markShown('a1');
    sut.markRead('a1');
    sut.beginShow('a2', 1);
    sut.markShown('a2');
    sut.markRetracted('a3');

    const reopened = open();
    expect(reopened.size).toBe(3);
    expect(reopened.get('a1')).toMatchObject({ reminder: 0, shownAt: clock.now(), readAt: clock.now() });
    expect(reopened.get('a2')).toMatchObject({ reminder: 1, readAt: null });
    expect(reopened.get('a3')).toMatchObject({ retracted: true });
  });

  it('keeps what an unread urgent notification on screen showed, across restarts, until it is read or retracted', () => {
    const { sut, open, path } = setup();
    const screen = { handle: 'bus/:1.7/5', title: 'URGENTE — Soporte', message: 'Hola', expiresAt: null };
    for (const id of ['u1', 'u2', 'u3']) {
      sut.beginShow(id, 0);
      sut.markShown(id);
      sut.setScreen(id, screen);
    }
    sut.markRead('u2');
    sut.markRetracted('u3');
    expect(open().onScreen()).toEqual([expect.objectContaining({ id: 'u1', screen })]);
    expect(open().get('u2')?.screen).toBeNull();
    sut.setScreen('u1', null);
    expect(open().onScreen()).toEqual([]);

    // A file written before the field existed still loads.
    writeFileSync(
      path,
      JSON.stringify([
        {
          id: 'old',
          reminder: 0,
          firstSeenAt: 0,
          updatedAt: Date.parse('2026-11-22T09:00:00Z'),
          shownAt: 1,
          readAt: null,
          retracted: false,
        },
      ]),
    );
    expect(open().get('old')).toMatchObject({ id: 'old', screen: null });
  });

  it('prunes entries older than the age limit when opened', () => {
    const { sut, open, clock, path } = setup();
    sut.beginShow('old', 0);
    clock.advance(6 * 86_400_000);
    sut.beginShow('recent', 0);
    clock.advance(2 * 86_400_000);
    const reopened = open();
    expect(reopened.get('old')).toBeUndefined();
    expect(reopened.get('recent')).toBeDefined();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveLength(1);
  });

  it('keeps at most maxEntries, dropping the least recently touched', () => {
    const { sut, clock } = setup({ maxAgeMs: 86_400_000, maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      sut.beginShow(id, 0);
      clock.advance(1000);
    }
    expect(sut.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].filter((id) => sut.get(id))).toEqual(['c', 'd', 'e']);
  });

  it('sets an unreadable file aside and starts empty', () => {
    const { path, open, dir, logger } = setup();
    writeFileSync(path, '[{"id": "a1", ');
    const store = open();
    expect(store.size).toBe(0);
    expect(readdirSync(dir).some((f) => f.startsWith('seen.json.corrupt-'))).toBe(true);
    expect(logger.lines.join('\n')).toContain('unreadable');
  });
});
