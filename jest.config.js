/**
 * Tiers: unit specs beside the code, e2e specs against the built server, cluster specs against two instances on
 * PostgreSQL and Redis, browser specs driving Chromium against the server.
 * Nest 12 ships only ES modules, so unit specs run in Jest's native ESM mode
 * (node --experimental-vm-modules); e2e and browser specs only talk to processes and stay CommonJS.
 */
const diagnostics = { ignoreCodes: [151002] };
/** The web app is its own workspace (Vitest, own node_modules): Jest must not crawl it. */
const ignoreWebApp = ['<rootDir>/angular-web/'];
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
        '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics, tsconfig: '<rootDir>/tsconfig.spec.json' }],
      },
      moduleNameMapper,
      modulePathIgnorePatterns: ignoreWebApp,
      testPathIgnorePatterns: ['/node_modules/', ...ignoreWebApp],
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics }] },
      moduleNameMapper,
      modulePathIgnorePatterns: ignoreWebApp,
      slowTestThreshold: 30,
    },
    {
      displayName: 'receiver',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/apps/receiver/test/**/*.integration-spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics }] },
      moduleNameMapper,
      modulePathIgnorePatterns: ignoreWebApp,
      slowTestThreshold: 30,
    },
    {
      displayName: 'cluster',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/e2e/cluster/**/*.cluster-spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics }] },
      moduleNameMapper,
      modulePathIgnorePatterns: ignoreWebApp,
      setupFiles: ['<rootDir>/e2e/cluster/setup-env.ts'],
      slowTestThreshold: 60,
    },
    {
      displayName: 'browser',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/e2e/browser/**/*.browser-spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/e2e/browser/tsconfig.json', diagnostics }] },
      moduleNameMapper,
      modulePathIgnorePatterns: ignoreWebApp,
      setupFilesAfterEnv: ['<rootDir>/e2e/browser/support/setup.ts'],
      slowTestThreshold: 60,
    },
  ],
};
