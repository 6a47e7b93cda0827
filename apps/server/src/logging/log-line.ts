import * as winston from 'winston';

const SHORT_ESCAPES: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
// C0 and C1 controls, DEL, and the Unicode line and paragraph separators some viewers break lines at.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Control characters written as JSON escapes (`\r`, `\n`, `\u001b`), so a value from a request can neither start a
 * line of its own nor send escape sequences to whoever reads the log in a terminal.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The one place log lines are formatted: whatever the template puts together leaves as exactly one line. */
export function oneLine(template: (info: winston.Logform.TransformableInfo) => string): winston.Logform.Format {
  return winston.format.printf((info) => escapeControl(template(info)));
}
