import { announceDelayMs } from './delivery-announcer';

describe('announceDelayMs', () => {
  it('announces every 200 ms while counting is quick', () => {
    expect(announceDelayMs(0)).toBe(200);
    expect(announceDelayMs(4)).toBe(200);
  });

  it('gathers longer when a count takes long, so counting stays a twentieth of the time', () => {
    expect(announceDelayMs(35)).toBe(700);
  });

  it('still announces within 2 s however long a count takes', () => {
    expect(announceDelayMs(500)).toBe(2_000);
  });
});
