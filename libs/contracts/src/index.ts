export * from './auth';
export * from './users';
export * from './api-tokens';
export * from './audit';
export * from './common';
