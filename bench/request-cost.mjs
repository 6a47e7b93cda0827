// node bench/request-cost.mjs [--seconds 10] [--concurrency 16] [--repeat 2] [--only TEXT] [--fastify-dir DIR]
/* global console */
// Server CPU per request, by kind of request, on a fresh server: the HTTP stack, the access guard, validation, an
// alert's own work and its push and receipt, each measured alone (16 keep-alive requests in flight for --seconds
// after 3 s of warm-up, server CPU from /proc; 100 sites that never connect, and 100 that connect in site mode for
// the last kind). Used to see what a private alert's cost is made of. --only TEXT keeps the kinds naming TEXT.
// Then the same alert POST to servers that are not Avisa, each with Avisa's certificate: the throughput floor
// (bench/floor-server.mjs: bare HTTPS, the rows stored and committed, pushed to the online site, its receipt
// stored), and a one-route Nest app (bench/nest-floor-server.mjs) on stock Express with nothing, on Avisa's own
// Express platform (expressPlatform) with nothing, with Avisa's guard and validation, and with all of Avisa's request
// pipeline in front of the route, and, with --fastify-dir, on Fastify:
// what the framework costs before any of the alert's own work.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adminLogin,
  arg,
  children,
  cpuSeconds,
  createApiToken,
  dropServerDir,
  fmt,
  freePort,
  keepAliveLoad,
  provision,
  SERVER_PROCESS_ENV,
  sqlTraceMark,
  startAvisa,
  startPrivateAlertFloor,
  stopChild,
  TEXT,
  within,
  Workers,
} from './harness.mjs';

const seconds = Number(arg('seconds', 'BENCH_REQUEST_SECONDS', 10));
const concurrency = Number(arg('concurrency', 'BENCH_REQUEST_CONCURRENCY', 16));
const repeat = Number(arg('repeat', 'BENCH_REQUEST_REPEAT', 2));
// --only 201: only the kinds whose name contains that text.
const only = arg('only', 'BENCH_REQUEST_ONLY', '');
// --fastify-dir DIR: also measure Nest on Fastify, loaded from DIR (not a dependency of Avisa).
const fastifyDir = arg('fastify-dir', 'NEST_FLOOR_FASTIFY_DIR', '');

async function load(server, make, ms) {
  const cpu0 = cpuSeconds(server.child.pid);
  const { done, statuses } = await keepAliveLoad({ base: server.base, ca: server.ca, concurrency, ms, make });
  const cpu = cpuSeconds(server.child.pid) - cpu0;
  return { done, msPerRequest: (cpu * 1000) / done, statuses };
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** bench/nest-floor-server.mjs in `mode` on `platform`, with the certificate in `certDir`, once it listens. */
async function startNestFloor(certDir, mode, platform) {
  const port = await freePort();
  const child = fork(
    join(HERE, 'nest-floor-server.mjs'),
    [join(certDir, 'server.crt'), join(certDir, 'server.key'), String(port)],
    {
      env: {
        ...SERVER_PROCESS_ENV,
        NEST_FLOOR_MODE: mode,
        NEST_FLOOR_PLATFORM: platform,
        NEST_FLOOR_FASTIFY_DIR: fastifyDir,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  children.add(child);
  await within(
    30_000,
    'Nest floor start',
    new Promise((r) => child.on('message', (m) => m.type === 'listening' && r())),
  );
  return { child, base: `https://127.0.0.1:${port}` };
}

async function measure(name, target, make) {
  await load(target, make, 3000);
  // Avisa counts its commits (each one disk sync): the requests' share of them is part of their cost.
  await sqlTraceMark(target);
  const m = await load(target, make, seconds * 1000);
  const trace = await sqlTraceMark(target);
  const commits = trace ? `${(trace.commits / m.done).toFixed(2)} commits per request` : '';
  console.log([name, fmt(m.done), m.msPerRequest.toFixed(3), JSON.stringify(m.statuses), commits].join('  |  '));
}

/** The alert POST to one of `sites` in turn, with `headers` (the bearer token). */
const alertPost = (sites, headers) => (i) => ({
  method: 'POST',
  path: '/api/v1/messages',
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify({ target: { kind: 'receiver', name: sites[i % sites.length].name }, text: TEXT }),
});

/** One receiver worker with every one of `sites` connected to `base` in site mode (each answers its receipt). */
async function connectSites(base, ca, sites) {
  const workers = new Workers(1);
  const conn = await workers.connect(`${base}/receivers`, ca, sites, {
    concurrency: 50,
    phaseMs: 60_000,
    mode: 'site',
  });
  if (conn.connected !== sites.length) {
    workers.kill();
    throw new Error(`only ${conn.connected} of ${sites.length} sites connected to ${base}`);
  }
  return workers;
}

const server = await startAvisa(null, { countCommits: true });
let workers = null;
try {
  const admin = await adminLogin(server);
  // The first 100 sites never connect; the other 100 connect for the last kind.
  const all = await provision(server, admin, 200, 60_000);
  const creds = all.slice(0, 100);
  const onlineCreds = all.slice(100);
  const token = await createApiToken(server, admin, 'bench-request-cost');
  const auth = { authorization: `Bearer ${token}` };
  // The online kind runs last, once its sites are connected (site mode: each answers an acknowledged receipt).
  const online = 'POST /messages to an online site, its receipt stored (201)';
  const kinds = {
    'GET /health (no authentication)': () => ({ method: 'GET', path: '/api/v1/health' }),
    'GET /auth/me (API token)': () => ({ method: 'GET', path: '/api/v1/auth/me', headers: auth }),
    'POST /messages refused by validation (400)': () => ({
      method: 'POST',
      path: '/api/v1/messages',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { kind: 'receiver', name: 'bench-00001' }, text: '' }),
    }),
    'POST /messages to an offline site (201)': alertPost(creds, auth),
    [online]: alertPost(onlineCreds, auth),
  };
  for (let r = 0; r < repeat; r++) {
    for (const [name, make] of Object.entries(kinds).filter(([k]) => k.includes(only))) {
      if (name === online && !workers) workers = await connectSites(server.base, server.ca, onlineCreds);
      await measure(name, server, make);
    }
    await measureFloors(server, onlineCreds);
  }
} finally {
  // close() only drops the sockets; the worker process would keep this script alive.
  workers?.kill();
  await stopChild(server.child);
  dropServerDir(server);
}

/** The alert POST sent to the servers that are not Avisa: the floor, and the one-route Nest app. */
async function measureFloors(avisa, onlineCreds) {
  const certDir = join(avisa.dir, 'certs');
  // The floor takes alerts for connected sites only: its kind matches Avisa's online one.
  const floorKind = 'floor: bare HTTPS to an online site, its receipt stored (201)';
  if (floorKind.includes(only)) {
    const floor = await startPrivateAlertFloor(certDir);
    let floorWorkers = null;
    try {
      floorWorkers = await connectSites(floor.base, avisa.ca, onlineCreds);
      const auth = { authorization: `Bearer ${floor.token}` };
      await measure(floorKind, { ...floor, ca: avisa.ca }, alertPost(onlineCreds, auth));
    } finally {
      floorWorkers?.kill();
      await floor.stop();
    }
  }
  for (const [platform, mode, name] of [
    ['express', 'bare', 'Nest on Express, nothing before the route: POST answered (201)'],
    ['express', 'platform', "Nest on Avisa's expressPlatform(), nothing before the route: POST answered (201)"],
    ['express', 'validation', "Nest on Express with Avisa's guard and validation: POST answered (201)"],
    ['express', 'pipeline', "Nest on Avisa's expressPlatform() with all of its request pipeline: POST answered (201)"],
    ['fastify', 'bare', 'Nest on Fastify, nothing before the route: POST answered (201)'],
    ['fastify', 'validation', "Nest on Fastify with Avisa's guard and validation: POST answered (201)"],
  ]) {
    if (!name.includes(only)) continue;
    // Only where a scratch install of @nestjs/platform-fastify is named (bench/nest-floor-server.mjs says how).
    if (platform === 'fastify' && !fastifyDir) continue;
    const nest = await startNestFloor(certDir, mode, platform);
    try {
      await measure(name, { ...nest, ca: avisa.ca }, alertPost(onlineCreds, {}));
    } finally {
      await stopChild(nest.child);
    }
  }
}
