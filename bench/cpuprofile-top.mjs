/* global process, console */
// node bench/cpuprofile-top.mjs FILE.cpuprofile [--top 25] [--from-ms 0] [--to-ms Infinity] [--inclusive-of avisa]
// Summarises a V8 CPU profile (node --cpu-prof): self time per function and per package, and inclusive time of
// a few functions. --from-ms/--to-ms keep only samples in that window (ms from the start of the profile), e.g.
// to leave out start-up and connecting. The time is also shared out by part of a private alert (PARTS below): each
// sample goes to the first part named anywhere on its stack, so a part's share includes what it calls.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/cpuprofile-top.mjs FILE.cpuprofile [--top 25] [--from-ms 0] [--to-ms N]');
  process.exit(2);
}
const opt = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOP = opt('top', 25);
// --inclusive-of avisa: the inclusive list keeps only that package's functions.
const INCLUSIVE_OF = process.argv.includes('--inclusive-of')
  ? process.argv[process.argv.indexOf('--inclusive-of') + 1]
  : null;
const FROM = opt('from-ms', 0) * 1000;
const TO = opt('to-ms', Infinity) * 1000;

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Time of each sample = the delta before the next one.
const selfUs = new Map();
let total = 0;
let t = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  if (t < FROM || t > TO) continue;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
  total += dt;
}

function where(cf) {
  const url = cf.url || '';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.includes('/dist/apps/server/')) return 'avisa';
  if (url.startsWith('node:')) return 'node';
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : 'native';
  return url.split('/').slice(-2).join('/');
}
const label = (cf) =>
  `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.split('/').slice(-1)[0]}:${cf.lineNumber + 1}` : ''}`;

// The parts of a private alert, in the order they are looked for on a sample's stack (file names of the build and
// its packages). A commit's share includes the main thread waiting for the disk, which a CPU figure does not count.
const PARTS = [
  ['idle', /^\(idle\)/],
  ['garbage collection', /^\(garbage collector\)/],
  ["V8's own (program)", /^\(program\)/],
  ['COMMIT (the disk sync waited for included)', /^commitTransaction AbstractSqliteQueryRunner/],
  ['other SQLite statements', /^(runNow|statement) sqlite-connection|commit-count\.cjs/],
  ['the push to the site', /^sendAlert in-process-receiver-hub/],
  ['the answer written', /^(json|send) response\.js|^reply express-adapter/],
  ['the validation pipe', /^transform validation\.pipe/],
  ["the alert's own work (the rest of it)", /^(deliver|send) messaging\.service/],
  ['the access guard', /^canActivate access\.guard/],
  ['the receipt from the site', /^socketOnData websocket|receiver\.js:/],
  [
    "the request's parsing, Express's router, middleware",
    /^parserOn|_http_server|^(handle|next) index\.js|json\.js:|text\.js:/,
  ],
  ['timers', /^(listOnTimeout|processTimers) timers/],
];
const byFn = new Map();
const byPkg = new Map();
const byPart = new Map();
const inclusive = new Map();
const packageOf = new Map();
for (const [id, us] of selfUs) {
  const cf = nodes.get(id).callFrame;
  const key = label(cf);
  byFn.set(key, { us: (byFn.get(key)?.us ?? 0) + us, pkg: where(cf) });
  byPkg.set(where(cf), (byPkg.get(where(cf)) ?? 0) + us);
  // Inclusive: every distinct function on the stack gets the sample's time once.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = label(nodes.get(cur).callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    packageOf.set(k, where(nodes.get(cur).callFrame));
  }
  const part = PARTS.find(([, pattern]) => [...seen].some((frame) => pattern.test(frame)))?.[0] ?? 'the rest';
  byPart.set(part, (byPart.get(part) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s of samples`);
console.log('\nby part of a private alert (what each calls included):');
for (const [k, us] of [...byPart].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us).padStart(7)}  ${k}`);
console.log('\nself time by package:');
for (const [k, us] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${pct(us).padStart(7)}  ${k}`);
console.log('\nself time by function:');
for (const [k, v] of [...byFn].sort((a, b) => b[1].us - a[1].us).slice(0, TOP)) {
  console.log(`  ${pct(v.us).padStart(7)}  ${k}  [${v.pkg}]`);
}
console.log('\ninclusive time (functions of the server and the database layer):');
for (const [k, us] of [...inclusive]
  .filter(([k]) => /\.js:|\.ts:/.test(k))
  .filter(([k]) => !INCLUSIVE_OF || packageOf.get(k) === INCLUSIVE_OF)
  .filter(([k]) => !/^\(anonymous\)|^processTicksAndRejections|^listOnTimeout/.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, TOP)) {
  console.log(`  ${pct(us).padStart(7)}  ${k}`);
}
