#!/usr/bin/env node
/* global require, __dirname, console, process */
'use strict';
// The compiled receiver lives in the monorepo's dist/ folder (npm run build:receiver).
const { join } = require('node:path'); // eslint-disable-line @typescript-eslint/no-require-imports
const main = join(__dirname, '..', '..', '..', 'dist', 'apps', 'receiver', 'apps', 'receiver', 'src', 'main.js');
try {
  require(main); // eslint-disable-line @typescript-eslint/no-require-imports
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(main)) {
    console.error(`avisa-receiver is not built: ${main} is missing. Run "npm run build:receiver" in the repository.`);
    process.exit(1);
  }
  throw error;
}
