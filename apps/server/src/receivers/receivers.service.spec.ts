import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { FakeClock, adminActor, newTestService } from '../../test/utils';
import { ReceiverHub } from '../fanout/receiver-hub';
import { ReceiverEntity } from './receiver.entity';
import { BulkSitesRefused, ReceiversService } from './receivers.service';
import { ReceiversRepository } from './receivers.repository';
import { SiteScope } from './site-scope';

function setup(existing: string[] = []) {
  const { sut, mock } = newTestService(ReceiversService, [[Clock, new FakeClock()]]);
  const mocks = {
    receivers: mock(ReceiversRepository),
    hub: mock(ReceiverHub),
    crypto: mock(CryptoService),
    events: mock(EventBus),
    access: mock(SiteScope),
  };
  mocks.receivers.findByNames.mockImplementation(async (names: string[]) =>
    names.filter((n) => existing.includes(n)).map((name) => ({ name }) as ReceiverEntity),
  );
  mocks.crypto.randomToken.mockImplementation(() => `avr_${Math.random()}`);
  mocks.crypto.sha256.mockImplementation((v: string) => `hash-${v}`);
  mocks.events.emit.mockImplementation(async () => undefined);
  return { sut, mocks };
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BulkSitesRefused);
  return (error as BulkSitesRefused).report.errors;
};

describe('ReceiversService bulk provisioning with support details', () => {
  it('reads named columns in any order, a formula-safe cell and tags split at |, and stores them', async () => {
    const { sut, mocks } = setup();
    await sut.provision('region;name;tags;notes\r\nNorte;f-1;24h|guardia| 24H ;"\'=1+1"\r\n', adminActor);
    expect(mocks.receivers.createMany).toHaveBeenCalledWith([
      expect.objectContaining({ name: 'f-1', region: 'Norte', tags: ['24h', 'guardia'], notes: '=1+1', phone: null }),
    ]);
    expect(mocks.events.emit).toHaveBeenCalledWith('receivers.provisioned', {
      actor: adminActor,
      target: null,
      details: { count: 1, withDetails: 1 },
    });
  });

  it('still reads the older `name[,display name]` file under a `name` header', async () => {
    const { sut } = setup();
    const report = await sut.previewProvisioning('name\nf-1,Farmacia Uno\nf-2\n');
    expect(report).toEqual({
      sites: [
        { line: 2, name: 'f-1', displayName: 'Farmacia Uno' },
        { line: 3, name: 'f-2', displayName: 'f-2' },
      ],
      errors: [],
    });
  });

  it('refuses the whole file with every problem by line, column and code, creating nothing', async () => {
    const { sut, mocks } = setup(['f-9']);
    const errors = await refusal(
      sut.provision('name,phone,size\nf-1,+34 600,\nf-2,call me,\nf 3,,\nf-1,,\nf-9,,\n', adminActor),
    );
    expect(errors.map(({ line, field, code }) => [line, field, code])).toEqual([
      [1, null, 'unknownColumn'],
      [3, 'phone', 'phoneCharacters'],
      [4, 'name', 'invalidName'],
      [5, 'name', 'repeatedName'],
      [6, 'name', 'exists'],
    ]);
    expect(errors[1].message).toBe(
      'line 3: phone may contain only digits, spaces and + ( ) - . / (with at least one digit)',
    );
    expect(mocks.receivers.createMany).not.toHaveBeenCalled();
    expect(mocks.events.emit).not.toHaveBeenCalled();
  });
});
