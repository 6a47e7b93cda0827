/**
 * Two tiers: unit specs beside the code, e2e specs against the built server.
 * Nest 12 ships only ES modules, so unit specs run in Jest's native ESM mode
 * (node --experimental-vm-modules); e2e specs only talk to a server process and stay CommonJS.
 */
const diagnostics = { ignoreCodes: [151002] };
const moduleNameMapper = {
  '^@avisa/contracts$': '<rootDir>/libs/contracts/src/index.ts',
  '^@avisa/migrations$': '<rootDir>/migrations/index.ts',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
      extensionsToTreatAsEsm: ['.ts'],
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          { useESM: true, diagnostics, tsconfig: '<rootDir>/tsconfig.spec.json' },
        ],
      },
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics }] },
      moduleNameMapper,
      slowTestThreshold: 30,
    },
    {
      displayName: 'receiver',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/apps/receiver/test/**/*.integration-spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics }] },
      moduleNameMapper,
      slowTestThreshold: 30,
    },
  ],
};
