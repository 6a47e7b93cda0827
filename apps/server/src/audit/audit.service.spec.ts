import { describeAction, redact } from './audit.service';

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
