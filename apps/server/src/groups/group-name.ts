/** "  Zona   NORTE " and "zona norte" are one group; members are site names (`normalizeName`). */
export function normalizeGroupName(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}
