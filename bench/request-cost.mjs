// node bench/request-cost.mjs [--seconds 10] [--concurrency 16] [--repeat 2]
/* global console */
// Server CPU per request, by kind of request, on a fresh server: the HTTP stack, the access guard, validation, an
// alert's own work and its push and receipt, each measured alone (16 keep-alive requests in flight for --seconds
// after 3 s of warm-up, server CPU from /proc; 100 sites that never connect, and 100 that connect in site mode for
// the last kind). Used to see what a private alert's cost is made of. --only TEXT keeps the kinds naming TEXT.
import { Agent, buildConnector, request } from 'undici';
import {
  adminLogin,
  arg,
  cpuSeconds,
  createApiToken,
  dropServerDir,
  fmt,
  provision,
  startAvisa,
  stopChild,
  TEXT,
  Workers,
} from './harness.mjs';

const seconds = Number(arg('seconds', 'BENCH_REQUEST_SECONDS', 10));
const concurrency = Number(arg('concurrency', 'BENCH_REQUEST_CONCURRENCY', 16));
const repeat = Number(arg('repeat', 'BENCH_REQUEST_REPEAT', 2));
// --only 201: only the kinds whose name contains that text.
const only = arg('only', 'BENCH_REQUEST_ONLY', '');

async function load(server, make, ms) {
  const pool = new Agent({ connect: buildConnector({ ca: server.ca }), connections: concurrency, pipelining: 1 });
  const statuses = new Map();
  let done = 0;
  const until = Date.now() + ms;
  const cpu0 = cpuSeconds(server.child.pid);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const { method, path, headers, body } = make(done);
        const res = await request(server.base + path, { method, headers, body, dispatcher: pool });
        await res.body.dump();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        done += 1;
      }
    }),
  );
  const cpu = cpuSeconds(server.child.pid) - cpu0;
  await pool.close();
  return { done, msPerRequest: (cpu * 1000) / done, statuses: Object.fromEntries(statuses) };
}

const server = await startAvisa();
let workers = null;
try {
  const admin = await adminLogin(server);
  // The first 100 sites never connect; the other 100 connect for the last kind.
  const all = await provision(server, admin, 200, 60_000);
  const creds = all.slice(0, 100);
  const onlineCreds = all.slice(100);
  const token = await createApiToken(server, admin, 'bench-request-cost');
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  // The online kind runs last, once its sites are connected (site mode: each answers an acknowledged receipt).
  const online = 'POST /messages to an online site, its receipt stored (201)';
  const kinds = {
    'GET /health (no authentication)': () => ({ method: 'GET', path: '/api/v1/health' }),
    'GET /auth/me (API token)': () => ({ method: 'GET', path: '/api/v1/auth/me', headers: auth }),
    'POST /messages refused by validation (400)': () => ({
      method: 'POST',
      path: '/api/v1/messages',
      headers: json,
      body: JSON.stringify({ target: { kind: 'receiver', name: 'bench-00001' }, text: '' }),
    }),
    'POST /messages to an offline site (201)': (i) => ({
      method: 'POST',
      path: '/api/v1/messages',
      headers: json,
      body: JSON.stringify({ target: { kind: 'receiver', name: creds[i % creds.length].name }, text: TEXT }),
    }),
    [online]: (i) => ({
      method: 'POST',
      path: '/api/v1/messages',
      headers: json,
      body: JSON.stringify({
        target: { kind: 'receiver', name: onlineCreds[i % onlineCreds.length].name },
        text: TEXT,
      }),
    }),
  };
  for (let r = 0; r < repeat; r++) {
    for (const [name, make] of Object.entries(kinds).filter(([k]) => k.includes(only))) {
      if (name === online && !workers) {
        workers = new Workers(1);
        const conn = await workers.connect(`${server.base}/receivers`, server.ca, onlineCreds, {
          concurrency: 50,
          phaseMs: 60_000,
          mode: 'site',
        });
        if (conn.connected !== onlineCreds.length) throw new Error(`only ${conn.connected} sites connected`);
      }
      await load(server, make, 3000);
      const m = await load(server, make, seconds * 1000);
      console.log([name, fmt(m.done), m.msPerRequest.toFixed(3), JSON.stringify(m.statuses)].join('  |  '));
    }
  }
} finally {
  // close() only drops the sockets; the worker process would keep this script alive.
  workers?.kill();
  await stopChild(server.child);
  dropServerDir(server);
}
