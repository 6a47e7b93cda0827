/* global require, process, console */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (node -r), loaded before the server */
// Preloaded into the Avisa server by hand only (never by the product), to see what allocates under load:
//   BENCH_SERVER_NODE_OPTIONS="-r /abs/path/bench/heap-sample.cjs" node bench/run.mjs --scenarios throughput …
// then, once the bench prints "the POSTs start": `kill -WINCH <server pid>` starts V8's sampling heap profiler
// (every allocation, including what the next scavenge frees), a second `kill -WINCH` writes
// $TMPDIR/avisa-heap-<pid>.heapprofile (Chrome DevTools opens it) and stops. Not together with sql-trace.cjs,
// which the bench drives with the same signal.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

let session = null;
process.on('SIGWINCH', () => {
  if (!session) {
    session = new inspector.Session();
    session.connect();
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMinorGC: true,
      includeObjectsCollectedByMajorGC: true,
    });
    console.error('heap-sample: sampling');
    return;
  }
  const ending = session;
  session = null;
  ending.post('HeapProfiler.stopSampling', (error, result) => {
    const file = join(tmpdir(), `avisa-heap-${process.pid}.heapprofile`);
    if (!error) writeFileSync(file, JSON.stringify(result.profile));
    console.error(error ? `heap-sample: ${error.message}` : `heap-sample: ${file}`);
    ending.disconnect();
  });
});
