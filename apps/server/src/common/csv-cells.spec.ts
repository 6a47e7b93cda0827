import { neutralizeFormula, restoreFormula } from './csv-cells';

describe('CSV cells', () => {
  it.each(['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx'])(
    'neutralises %j so a spreadsheet reads it as text, and restores it',
    (cell) => {
      expect(neutralizeFormula(cell)).toBe(`'${cell}`);
      expect(restoreFormula(neutralizeFormula(cell))).toBe(cell);
    },
  );

  it('leaves ordinary cells, and quotes not before a formula character, alone', () => {
    expect(neutralizeFormula('farmacia-1')).toBe('farmacia-1');
    expect(restoreFormula("'farmacia")).toBe("'farmacia");
  });
});
