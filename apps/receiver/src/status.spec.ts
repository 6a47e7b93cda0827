import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { excerpt, statusReport, StatusWriter } from './status';
import { FakeClock, tempDir } from '../test/utils';

function setup() {
  const dir = tempDir();
  const clock = new FakeClock();
  const lockPath = join(dir, 'avisa-receiver.lock');
  const statusPath = join(dir, 'status.json');
  const writer = new StatusWriter(statusPath, clock, {
    pid: 4242,
    version: '0.1.0',
    serverUrl: 'https://avisa.example.org',
    name: 'farmacia-centro',
  });
  const report = (alive: boolean) => statusReport(lockPath, statusPath, () => alive, clock.now());
  return { writer, clock, lockPath, report };
}

describe('status', () => {
  it('reports connected, since when, to which server and the last alert', () => {
    const { writer, clock, lockPath, report } = setup();
    writeFileSync(lockPath, '4242\n');
    clock.advance(5000);
    writer.update({ state: 'connected', displayName: 'Farmacia Centro' });
    writer.update({
      lastAlert: {
        id: 'a1',
        receivedAt: '2026-11-22T10:00:07.000Z',
        priority: 'urgent',
        sender: 'Soporte',
        excerpt: 'Hola',
      },
    });
    clock.advance(120_000);
    const { connected, text } = report(true);
    expect(connected).toBe(true);
    expect(text).toContain('avisa-receiver connected (PID 4242');
    expect(text).toContain('https://avisa.example.org');
    expect(text).toContain('farmacia-centro (Farmacia Centro)');
    expect(text).toContain('2026-11-22T10:00:05.000Z (2 min ago)');
    expect(text).toContain('[a1] Soporte: "Hola"');
  });

  it('is not connected while disconnected, and says why', () => {
    const { writer, lockPath, report } = setup();
    writeFileSync(lockPath, '4242\n');
    writer.update({ state: 'disconnected', lastError: 'rechazado: invalid_credentials' });
    const { connected, text } = report(true);
    expect(connected).toBe(false);
    expect(text).toContain('disconnected');
    expect(text).toContain('invalid_credentials');
  });

  it('says "not running" when the lock is missing or its PID is dead, whatever status.json claims', () => {
    const { writer, lockPath, report } = setup();
    writer.update({ state: 'connected' });
    expect(report(true)).toMatchObject({ connected: false, text: expect.stringContaining('is not running') });
    writeFileSync(lockPath, '4242\n');
    expect(report(false)).toMatchObject({ connected: false, text: expect.stringContaining('is not running') });
  });

  it('says whether notifications can be shown, and why not, with the alerts waiting', () => {
    const { writer, clock, lockPath, report } = setup();
    writeFileSync(lockPath, '4242\n');
    writer.update({ state: 'connected' });
    expect(report(true).text).toContain('Notifications:      not checked yet');
    writer.updateDesktop(false, 'no notification service on the session bus', 0);
    clock.advance(90_000);
    writer.updateDesktop(false, 'no notification service on the session bus', 2);
    expect(report(true).text).toContain(
      'Notifications:      no desktop session to show alerts (no notification service on the session bus), ' +
        'since 2026-11-22T10:00:00.000Z (1 min ago); 2 alert(s) waiting to be shown',
    );
    writer.updateDesktop(true, null, 0);
    expect(report(true).text).toContain('Notifications:      shown');
    expect(report(false).text).not.toContain('Notificaciones');
  });

  it("lists the latest alerts' attachments with their paths, and why one failed", () => {
    const { writer, lockPath, report } = setup();
    writeFileSync(lockPath, '4242\n');
    writer.update({ state: 'connected' });
    expect(report(true).text).not.toContain('Attachments');
    writer.update({
      attachments: [
        {
          alertId: 'a2',
          name: 'Precios.pdf',
          path: '/data/attachments/a2/Precios.pdf',
          state: 'downloading',
          reason: null,
        },
        {
          alertId: 'a1',
          name: 'Circular.pdf',
          path: '/data/attachments/a1/Circular.pdf',
          state: 'downloaded',
          reason: null,
        },
        {
          alertId: 'a1',
          name: 'Anexo.pdf',
          path: '/data/attachments/a1/Anexo.pdf',
          state: 'failed',
          reason: 'the file is no longer on the server (404)',
        },
      ],
    });
    const { text } = report(true);
    expect(text).toContain('  Attachments:        3 (newest first)');
    expect(text).toContain('    [a2] /data/attachments/a2/Precios.pdf: downloading');
    expect(text).toContain('    [a1] /data/attachments/a1/Circular.pdf: downloaded');
    expect(text).toContain(
      '    [a1] /data/attachments/a1/Anexo.pdf: failed: the file is no longer on the server (404)',
    );
  });

  it('shortens the alert text to one line', () => {
    expect(excerpt('  uno\n dos  ')).toBe('uno dos');
    expect(excerpt('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
