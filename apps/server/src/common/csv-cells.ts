const FORMULA_START = /^[=+\-@\t\r]/;

/** Spreadsheets run cells that start with = + - @ tab or CR as formulas; a leading ' makes them text. */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Undoes neutralizeFormula, so an exported file imports back unchanged. */
export function restoreFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
