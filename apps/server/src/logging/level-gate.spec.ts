import type { LoggerService } from '@nestjs/common';
import { LevelGate } from './level-gate';

function recorder() {
  const lines: string[] = [];
  const inner: LoggerService = {
    log: (m: unknown) => lines.push(`info ${String(m)}`),
    error: (m: unknown) => lines.push(`error ${String(m)}`),
    warn: (m: unknown) => lines.push(`warn ${String(m)}`),
    debug: (m: unknown) => lines.push(`debug ${String(m)}`),
    verbose: (m: unknown) => lines.push(`verbose ${String(m)}`),
  };
  return { inner, lines };
}

const everyLevel = (logger: LoggerService) => {
  logger.error('e');
  logger.warn('w');
  logger.log('i');
  logger.debug?.('d');
  logger.verbose?.('v');
};

describe('LevelGate', () => {
  it('passes only the calls at or above the configured level to the logger underneath', () => {
    const cases: [string, string[]][] = [
      ['error', ['error e']],
      ['warn', ['error e', 'warn w']],
      ['info', ['error e', 'warn w', 'info i']],
      ['debug', ['error e', 'warn w', 'info i', 'debug d', 'verbose v']],
    ];
    for (const [level, expected] of cases) {
      const { inner, lines } = recorder();
      everyLevel(new LevelGate(inner, level));
      expect({ level, lines }).toEqual({ level, lines: expected });
    }
  });

  it('reports a fatal error as an error when the logger underneath has no fatal level', () => {
    const { inner, lines } = recorder();
    new LevelGate(inner, 'error').fatal('f');
    expect(lines).toEqual(['error f']);
  });
});
