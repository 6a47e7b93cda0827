/** "  Zona   NORTE " and "zona norte" are one group; members are normalized the same way. */
export function normalizeGroupName(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}
