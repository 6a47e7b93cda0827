import { commonPasswords, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it('accepts a long uncommon password', () => {
    expect(passwordProblem('Farmacia-Norte-2026!')).toBeNull();
  });

  it('refuses fewer than 8 bytes', () => {
    expect(passwordProblem('Ab3$xyz')).toMatch(/at least 8 bytes/);
  });

  it('counts bytes, not characters, against the 72-byte bcrypt limit', () => {
    const accented = 'é'.repeat(37);
    expect(accented).toHaveLength(37);
    expect(passwordProblem(accented)).toMatch(/at most 72 bytes long \(got 74\)/);
    expect(passwordProblem('é'.repeat(36))).toBeNull();
  });

  it('ships a list of at least 10,000 common passwords and refuses them in any case', () => {
    expect(commonPasswords().size).toBeGreaterThanOrEqual(10_000);
    expect(passwordProblem('password123')).toMatch(/most commonly used/);
    expect(passwordProblem('QWERTYUIOP')).toMatch(/most commonly used/);
  });

  it('refuses the username as password', () => {
    expect(passwordProblem('farmacia.centro', 'farmacia.centro')).toMatch(/same as the username/);
  });

  it('refuses what is not a string', () => {
    expect(passwordProblem(12345678)).toBe('must be a string');
  });
});
