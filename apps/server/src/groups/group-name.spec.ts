import { normalizeGroupName } from './group-name';

describe('group names', () => {
  it('trims, lowers and folds inner spaces', () => {
    expect(normalizeGroupName('  Farmacias   Zona\tNORTE ')).toBe('farmacias zona norte');
  });
});
