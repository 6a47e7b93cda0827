import { SCHEDULE_MAX_MS } from '@avisa/contracts';

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as a `datetime-local` input holds it: the browser's own zone, to the minute. */
export function toLocalInput(at: number | string): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value as the ISO date-time `sendAt` takes; null when empty or not a time. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** Why this `datetime-local` value cannot be a send time: 'required', 'past', 'tooFar', or null. */
export function sendAtError(value: string, now = Date.now()): 'required' | 'past' | 'tooFar' | null {
  const iso = fromLocalInput(value);
  if (!iso) return 'required';
  const at = Date.parse(iso);
  if (at <= now) return 'past';
  return at > now + SCHEDULE_MAX_MS ? 'tooFar' : null;
}

/** The first time the picker suggests: the next whole hour, at least 15 minutes from now. */
export function suggestedSendAt(now = Date.now()): string {
  const d = new Date(now + 15 * 60_000);
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1);
  return toLocalInput(d.getTime());
}
