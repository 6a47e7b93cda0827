const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A bare date (`2026-11-22`) as the start of a range means that day's first instant, in the server's time zone. */
export function rangeStart(value: string): number {
  return BARE_DATE.test(value) ? Date.parse(`${value}T00:00:00.000`) : Date.parse(value);
}

/** A bare date as the end of a range means the whole of that day. */
export function rangeEnd(value: string): number {
  return BARE_DATE.test(value) ? Date.parse(`${value}T23:59:59.999`) : Date.parse(value);
}
