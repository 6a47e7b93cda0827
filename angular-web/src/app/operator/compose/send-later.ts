import { type AbstractControl, FormControl, FormGroup } from '@angular/forms';
import type { ErrorStateMatcher } from '@angular/material/core';
import { SCHEDULE_MAX_MS } from '@avisa/contracts';
import { atTime } from '../../core/dates';

/** The send time as its two fields hold it: a day and a time of day, in the browser's zone. */
export interface SendAtValue {
  date: Date | null;
  time: Date | null;
}

/** A time as the fields show it, to the minute. */
export function sendAtFields(at: number | string): SendAtValue {
  const minute = new Date(at);
  minute.setSeconds(0, 0);
  return { date: new Date(minute), time: new Date(minute) };
}

/** The ISO date-time `sendAt` takes; null while a field is empty or unreadable. */
export function sendAtIso(value: SendAtValue): string | null {
  return atTime(value.date, value.time)?.toISOString() ?? null;
}

/** Why these fields cannot be a send time: 'required', 'past', 'tooFar', or null. */
export function sendAtError(value: SendAtValue, now = Date.now()): 'required' | 'past' | 'tooFar' | null {
  const iso = sendAtIso(value);
  if (!iso) return 'required';
  const at = Date.parse(iso);
  if (at <= now) return 'past';
  return at > now + SCHEDULE_MAX_MS ? 'tooFar' : null;
}

/** The first time the picker suggests: the next whole hour, at least 15 minutes from now. */
export function suggestedSendAt(now = Date.now()): SendAtValue {
  const d = new Date(now + 15 * 60_000);
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1);
  return sendAtFields(d.getTime());
}

export type SendAtForm = FormGroup<{ date: FormControl<Date | null>; time: FormControl<Date | null> }>;

/**
 * The day and time fields with the rules of a send time, checked while `active()`. A field its picker cannot read
 * says so itself; the pair's error is said once, under the time.
 */
export function sendAtForm(initial: SendAtValue, active: () => boolean = () => true): SendAtForm {
  return new FormGroup(
    { date: new FormControl(initial.date), time: new FormControl(initial.time) },
    {
      validators: (group: AbstractControl) => {
        const { date, time } = (group as SendAtForm).controls;
        if (!active() || date.invalid || time.invalid) return null;
        const error = sendAtError(group.getRawValue() as SendAtValue);
        return error ? { [error]: true } : null;
      },
    },
  );
}

/** Both fields show the pair's error once either was left, or the server refused the time. */
export const sendAtErrorState: ErrorStateMatcher = {
  isErrorState: (control: AbstractControl | null) => {
    const pair = control?.parent;
    return !!control && (control.invalid || !!pair?.errors) && (control.touched || !!pair?.touched);
  },
};
