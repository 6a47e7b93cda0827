import { escapeControl } from './log-line';

describe('escapeControl', () => {
  it('writes line breaks, tabs and other control characters as JSON escapes', () => {
    expect(escapeControl('zz\r\n2026-12-02 10:00:00 - admin - FAKELOGIN')).toBe(
      'zz\\r\\n2026-12-02 10:00:00 - admin - FAKELOGIN',
    );
    expect(escapeControl('\u001b[31mred\u001b[0m\tx\u0000\u007f\u009b')).toBe(
      '\\u001b[31mred\\u001b[0m\\tx\\u0000\\u007f\\u009b',
    );
    expect(escapeControl('a\u2028b\u2029c\b\f')).toBe('a\\u2028b\\u2029c\\b\\f');
  });

  it('leaves printable text, accents and backslashes as they are', () => {
    const text = 'Farmacia Núñez - "zona 1" C:\\avisa {"a":"b\\"c"} 🚨';
    expect(escapeControl(text)).toBe(text);
  });
});
