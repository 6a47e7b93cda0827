import { fillTemplate, isTemplate, templateDate } from './alert-templates';
import { sendAtProblem } from './scheduled-messages';

describe('alert templates', () => {
  it('fills every Spanish and English placeholder, and leaves other braces alone', () => {
    const text = 'Hola {sitio} ({site}): revisad hoy {fecha} / {date}. {otro} {SITIO}';
    expect(isTemplate(text)).toBe(true);
    expect(fillTemplate(text, { site: 'Farmacia Sur', date: '04/12/2026' })).toBe(
      'Hola Farmacia Sur (Farmacia Sur): revisad hoy 04/12/2026 / 04/12/2026. {otro} {SITIO}',
    );
    expect(isTemplate('Sin marcadores {otro}')).toBe(false);
  });

  it('writes the date as dd/mm/yyyy in the zone asked for', () => {
    const at = Date.parse('2026-12-31T23:30:00Z');
    expect(templateDate(at, 'UTC')).toBe('31/12/2026');
    expect(templateDate(at, 'Europe/Madrid')).toBe('01/01/2027');
  });
});

describe('sendAtProblem', () => {
  const now = Date.parse('2026-12-04T10:00:00Z');
  it.each([
    ['2026-12-04T11:00:00Z', null],
    ['2026-12-04T12:00:00+01:00', null],
    ['2026-12-04T11:00', /with its zone/],
    ['mañana', /with its zone/],
    ['2026-12-04T10:00:00Z', /in the future/],
    ['2027-01-04T10:00:01Z', /at most 30 days ahead/],
  ])('%s', (sendAt, expected) => {
    const problem = sendAtProblem(sendAt, now);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
