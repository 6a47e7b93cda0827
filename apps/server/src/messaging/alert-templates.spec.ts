import type { AlertPayload } from '@avisa/contracts';
import { ReceiverHub } from '../fanout/receiver-hub';
import { ReceiversService } from '../receivers/receivers.service';
import { newTestService } from '../../test/utils';
import { AlertTemplates } from './alert-templates';

const payload = (text: string): AlertPayload => ({
  id: 'a1',
  text,
  priority: 'normal',
  sender: 'Soporte',
  sentAt: '2026-12-04T10:00:00.000Z',
  expiresAt: null,
  reminder: 0,
});

function setup() {
  const { sut, mock } = newTestService(AlertTemplates);
  const hub = mock(ReceiverHub);
  mock(ReceiversService).displayNames.mockImplementation(
    async (names: string[]) => new Map(names.filter((n) => n !== 'sin-nombre').map((n) => [n, `Farmacia ${n}`])),
  );
  return { sut, hub };
}

describe('AlertTemplates', () => {
  it('pushes a template to each site with its own name', async () => {
    const { sut, hub } = setup();
    await sut.send(['norte', 'sin-nombre'], payload('Hola {sitio}'));
    expect(hub.sendAlert.mock.calls.map(([names, p]) => [names, p.text])).toEqual([
      [['norte'], 'Hola Farmacia norte'],
      [['sin-nombre'], 'Hola sin-nombre'],
    ]);
  });

  it('pushes any other alert once to all of them, unchanged', async () => {
    const { sut, hub } = setup();
    const plain = payload('Hola a todos');
    await sut.send(['norte', 'sur'], plain);
    expect(hub.sendAlert.mock.calls).toEqual([[['norte', 'sur'], plain]]);
  });
});
