import type { EntityManager } from 'typeorm';
import { FakeClock, newTestService } from '../../test/utils';
import { Clock } from '../common/system/clock';
import { ActionsLog } from './actions-log';
import { AuditRepository } from './audit.repository';
import { AuditService, describeAction, redact } from './audit.service';

describe('audit formatting', () => {
  it('drops anything that looks like a secret, at any depth', () => {
    expect(
      redact({ role: 'operator', password: 'x', nested: { apiKey: 'k', tokenHash: 'h', name: 'n' }, newPassword: 'y' }),
    ).toEqual({ role: 'operator', nested: { name: 'n' } });
  });

  it('describes an action as action, target, details and address', () => {
    expect(
      describeAction({
        actor: { kind: 'user', id: 1, name: 'admin', ip: '10.0.0.9' },
        action: 'user.created',
        target: 'marin',
        details: { role: 'operator', password: 'secret' },
      }),
    ).toBe('user.created marin {"role":"operator"} [10.0.0.9]');
  });
});

describe('AuditService.along', () => {
  it('stores the entry, redacted, through the transaction it is given, and writes its line only once committed', async () => {
    const clock = new FakeClock();
    const { sut, mock } = newTestService(AuditService, [[Clock, clock]]);
    const repository = mock(AuditRepository);
    const actionsLog = mock(ActionsLog);
    repository.insertIn.mockImplementation(async () => undefined);
    const companion = sut.along({
      actor: { kind: 'token', id: 3, name: 'token:tpv', ip: '10.0.0.7' },
      action: 'message.created',
      target: 'receiver:norte',
      details: { id: 'm1', apiKey: 'k' },
    });
    const manager = {} as EntityManager;
    await companion.write(manager);

    expect(repository.insertIn).toHaveBeenCalledWith(manager, [
      {
        at: clock.now(),
        actorKind: 'token',
        actorName: 'token:tpv',
        action: 'message.created',
        target: 'receiver:norte',
        ip: '10.0.0.7',
        details: '{"id":"m1"}',
      },
    ]);
    expect(actionsLog.write).not.toHaveBeenCalled();
    companion.committed();
    expect(actionsLog.write).toHaveBeenCalledWith(
      clock.now(),
      'token:tpv',
      'message.created receiver:norte {"id":"m1"} [10.0.0.7]',
    );
  });
});
