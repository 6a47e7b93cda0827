import { normalizeGroupName } from '@avisa/contracts';

describe('group names', () => {
  it('trims, lowers and folds inner spaces', () => {
    expect(normalizeGroupName('  Farmacias   Zona\tNORTE ')).toBe('farmacias zona norte');
  });
});
