import { inWindow } from './receiver-updates.service';

const at = (hours: number, minutes: number) => new Date(2026, 11, 3, hours, minutes);

describe('the night window of a rollout', () => {
  it('takes a window within one day, end excluded', () => {
    expect(inWindow('02:00-05:00', at(1, 59))).toBe(false);
    expect(inWindow('02:00-05:00', at(2, 0))).toBe(true);
    expect(inWindow('02:00-05:00', at(4, 59))).toBe(true);
    expect(inWindow('02:00-05:00', at(5, 0))).toBe(false);
  });

  it('takes a window that wraps past midnight', () => {
    expect(inWindow('22:30-04:00', at(22, 29))).toBe(false);
    expect(inWindow('22:30-04:00', at(23, 0))).toBe(true);
    expect(inWindow('22:30-04:00', at(0, 10))).toBe(true);
    expect(inWindow('22:30-04:00', at(4, 0))).toBe(false);
  });
});
