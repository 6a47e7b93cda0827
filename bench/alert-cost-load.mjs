/* global process */
// The client side of bench/alert-cost.mjs, in a process of its own so that its CPU is not the server's: keeps
// `concurrency` HTTPS requests in flight (keep-alive) for `ms`, each made by the kind the parent names, and answers
// how many were made and their statuses. Forked with the server's base URL, CA file and bearer token as arguments.
import { readFileSync } from 'node:fs';
import { keepAliveLoad, TEXT } from './harness.mjs';

const [base, caFile, token] = process.argv.slice(2);
const ca = readFileSync(caFile, 'utf8');

const KINDS = {
  alert: (i, sites) => ({
    method: 'POST',
    path: '/api/v1/messages',
    body: JSON.stringify({ target: { kind: 'receiver', name: sites[i % sites.length] }, text: TEXT }),
  }),
  health: () => ({ method: 'GET', path: '/api/v1/health' }),
  me: () => ({ method: 'GET', path: '/api/v1/auth/me' }),
};

process.on('message', async ({ kind, ms, concurrency, sites }) => {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const make = (i) => ({ ...KINDS[kind](i, sites), headers });
  process.send(await keepAliveLoad({ base, ca, concurrency, ms, make }));
});
