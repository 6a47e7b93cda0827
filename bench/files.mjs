/* global console, process, Buffer, setInterval, clearInterval */
// Shared files: one large upload through quarantine and the virus scanner, then many sites fetching one alert's
// attachment at once, against a floor: a bare Node HTTPS server streaming the same file with the same headers.
//
// 1. A real clamd (Debian's clamav-daemon) on a local socket with a one-signature database made here (the machines
//    have no internet for official signatures; the scan still reads every byte). Without clamd the upload part
//    reports only the upload, with a notice.
// 2. Upload: an operator's multipart POST of a --files-upload-mb PDF; time until 201, then until the file is
//    `clean` (scanned and moved out of quarantine); the server's peak RSS during both.
// 3. Download: --files-sites sites are provisioned, an alert to all of them carries a --files-attachment-mb file;
//    every site fetches it at once, each over its own TLS connection with its own key; time until the last one has
//    every byte (SHA-256 checked), the server's peak RSS over its RSS before, and the same for the floor.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Agent, buildConnector, request } from 'undici';
import {
  adminLogin,
  children,
  cpuSeconds,
  dropServerDir,
  fmt,
  now,
  provision,
  rssKb,
  sleep,
  startAvisa,
  stopChild,
  table,
  tempDirs,
  within,
} from './harness.mjs';

const MB = 1024 * 1024;
const CLAMD = '/usr/sbin/clamd';
const SIGTOOL = '/usr/bin/sigtool';
const SAMPLE = '/usr/share/clamav-testfiles/clam.pdf';

/** A PDF by its magic bytes, random inside: nothing compresses it, the scanner reads it all. */
function pdfOf(bytes) {
  return Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(bytes - 16), Buffer.from('\n%%EOF\n')]);
}

async function startClamd() {
  if (![CLAMD, SIGTOOL, SAMPLE].every(existsSync)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'avisa-bench-clamd-'));
  tempDirs.add(dir);
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', 'bench.hdb'), execFileSync(SIGTOOL, ['--md5', SAMPLE]));
  const socket = join(dir, 'clamd.sock');
  writeFileSync(
    join(dir, 'clamd.conf'),
    `LocalSocket ${socket}\nDatabaseDirectory ${join(dir, 'db')}\nForeground yes\nLogFile ${join(dir, 'clamd.log')}\n` +
      `TemporaryDirectory ${dir}\nStreamMaxLength 100M\n`,
  );
  const child = spawn(CLAMD, ['-c', join(dir, 'clamd.conf')], { stdio: 'ignore' });
  children.add(child);
  const deadline = Date.now() + 30_000;
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('clamd did not start');
    await sleep(50);
  }
  return { socket, child };
}

/** Samples a process's RSS every 20 ms until `stop()`; answers the peak in KB. */
function rssSampler(pid) {
  let peak = rssKb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssKb(pid));
  };
}

function multipart(filename, content) {
  const boundary = `----avisabench${randomBytes(6).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  );
  return {
    body: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

async function upload(server, token, name, content) {
  const { body, contentType } = multipart(name, content);
  const res = await request(`${server.base}/api/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
    dispatcher: server.dispatcher,
  });
  const text = await res.body.text();
  if (res.statusCode !== 201) throw new Error(`upload failed: ${res.statusCode} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function untilState(server, token, id, states, phaseMs) {
  const deadline = Date.now() + phaseMs;
  for (;;) {
    const res = await server.api('GET', `/api/v1/files/${id}`, { token });
    if (states.includes(res.body.state)) return res.body;
    if (Date.now() > deadline) throw new Error(`file ${id} still ${res.body.state} after ${phaseMs} ms`);
    await sleep(10);
  }
}

/** Every site fetches `path` at once over its own connection; answers when each has the whole file, checked. */
async function fetchAll({ base, ca, requests, sha256 }) {
  // A site waits up to a minute for its connection, as the receiver does; undici's default gives up after 10 s.
  const agent = new Agent({
    connect: buildConnector({ ca, timeout: 60_000 }),
    connections: requests.length,
    pipelining: 1,
    connectTimeout: 60_000,
  });
  const t0 = now();
  const done = [];
  let failed = 0;
  const why = {};
  const count = (reason) => (why[reason] = (why[reason] ?? 0) + 1);
  await Promise.all(
    requests.map(async ({ path, headers }) => {
      try {
        const res = await request(base + path, { headers, dispatcher: agent });
        const hash = createHash('sha256');
        for await (const chunk of res.body) hash.update(chunk);
        if (res.statusCode !== 200) count(`HTTP ${res.statusCode}`);
        else if (hash.digest('hex') !== sha256) count('wrong SHA-256');
        else return void done.push(now() - t0);
        failed++;
      } catch (error) {
        count(error.code ?? error.message);
        failed++;
      }
    }),
  );
  await agent.close();
  done.sort((a, b) => a - b);
  return { ok: done.length, failed, why, firstMs: done[0] ?? null, lastMs: done.at(-1) ?? null };
}

/** The floor: Node's own HTTPS server streaming the file, same certificate, same headers. */
async function floorServer(server, file, content) {
  const key = readFileSync(join(server.dir, 'certs', 'server.key'));
  const path = join(server.dir, 'floor-attachment.pdf');
  writeFileSync(path, content);
  const https = createServer({ key, cert: server.ca }, (req, res) => {
    res.writeHead(200, {
      'content-type': 'application/pdf',
      'content-length': content.length,
      'content-disposition': `attachment; filename="${file.name}"`,
      'x-content-type-options': 'nosniff',
      etag: `"${file.sha256}"`,
    });
    createReadStream(path).pipe(res);
  });
  await new Promise((resolve) => https.listen(0, '127.0.0.1', resolve));
  return { https, base: `https://127.0.0.1:${https.address().port}` };
}

export async function benchFiles(options) {
  const { sites, uploadMb, attachmentMb, phaseMs } = options;
  const clamd = await startClamd();
  if (!clamd) console.warn('bench files: no clamd (clamav-daemon, clamav-testfiles): the upload is not scanned');
  const server = await startAvisa(null, {
    env: {
      ...(clamd ? { AVISA_CLAMD_SOCKET: clamd.socket } : {}),
      AVISA_FILES_MAX_MB: String(Math.max(25, uploadMb + 1, attachmentMb + 1)),
      AVISA_FILES_QUOTA_MB: '100000',
      AVISA_FILES_UPLOADS_PER_MINUTE: '1000',
    },
  });
  try {
    const token = await adminLogin(server);
    const pid = server.child.pid;

    // Upload and scan.
    const big = pdfOf(uploadMb * MB);
    const rssBeforeUploadKb = rssKb(pid);
    const stopUploadRss = rssSampler(pid);
    const cpu0 = cpuSeconds(pid);
    const t0 = now();
    const uploaded = await within(phaseMs, 'upload', upload(server, token, 'bench-upload.pdf', big));
    const uploadMs = now() - t0;
    const settled = clamd
      ? await untilState(
          server,
          token,
          uploaded.id,
          ['clean', 'infected', 'unscannable', 'scanner_unavailable'],
          phaseMs,
        )
      : uploaded;
    const scannedMs = now() - t0;
    const uploadPeakKb = stopUploadRss();
    const uploadCpu = cpuSeconds(pid) - cpu0;

    // Many sites, one attachment.
    const creds = await provision(server, token, sites, phaseMs);
    const small = pdfOf(attachmentMb * MB);
    let attachment = await upload(server, token, 'circular.pdf', small);
    attachment = clamd
      ? await untilState(server, token, attachment.id, ['clean'], phaseMs)
      : (await server.api('POST', `/api/v1/files/${attachment.id}/release`, { token, body: { reason: 'bench' } })).body;
    const sent = await server.api('POST', '/api/v1/messages', {
      token,
      body: { target: { kind: 'all' }, text: 'Circular adjunta', attachments: [attachment.id] },
    });
    if (sent.status !== 201) throw new Error(`alert failed: ${sent.status} ${JSON.stringify(sent.body)}`);
    const sha256 = createHash('sha256').update(small).digest('hex');
    const path = `/api/v1/messages/${sent.body.id}/attachments/${attachment.id}`;
    const requests = creds.map(({ name, key }) => ({
      path,
      headers: { 'x-avisa-site': name, authorization: `Bearer ${key}` },
    }));

    // The floor first: whatever the first run warms up (the page cache, the bench process) favours Avisa, not it.
    const floor = await floorServer(server, attachment, small);
    const floorRss0 = process.memoryUsage().rss;
    let floorPeak = floorRss0;
    const sampler = setInterval(() => (floorPeak = Math.max(floorPeak, process.memoryUsage().rss)), 20);
    const floorResult = await within(
      phaseMs,
      'floor downloads',
      fetchAll({ base: floor.base, ca: server.ca, requests, sha256 }),
    );
    clearInterval(sampler);
    floor.https.close();
    await sleep(500);
    const rssBeforeKb = rssKb(pid);
    const stopRss = rssSampler(pid);
    const cpu1 = cpuSeconds(pid);
    const avisa = await within(phaseMs, 'downloads', fetchAll({ base: server.base, ca: server.ca, requests, sha256 }));
    const avisaPeakKb = stopRss();
    const avisaCpu = cpuSeconds(pid) - cpu1;
    const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
    const recorded = db
      .prepare('SELECT COUNT(*) AS n FROM deliveries WHERE message_id = ? AND attachments_downloaded_at IS NOT NULL')
      .get(sent.body.id).n;
    db.close();

    return {
      sites,
      uploadMb,
      attachmentMb,
      scanned: Boolean(clamd),
      upload: {
        uploadMs,
        scannedMs,
        state: settled.state,
        rssBeforeMb: rssBeforeUploadKb / 1024,
        rssPeakMb: uploadPeakKb / 1024,
        cpuSeconds: uploadCpu,
      },
      download: {
        avisa: {
          ...avisa,
          rssBeforeMb: rssBeforeKb / 1024,
          rssPeakMb: avisaPeakKb / 1024,
          cpuSeconds: avisaCpu,
          recorded,
        },
        // The floor runs inside the bench process, beside the clients: its RSS rise includes theirs.
        floor: { ...floorResult, rssRiseMb: (floorPeak - floorRss0) / MB },
      },
    };
  } finally {
    await stopChild(server.child);
    dropServerDir(server);
    if (clamd) await stopChild(clamd.child);
  }
}

export function printFiles(r) {
  const ratio = (a, b) => (a == null || b == null || !b ? '-' : `${(a / b).toFixed(2)}x`);
  console.log(
    `\nshared files: a ${r.uploadMb} MB upload ${r.scanned ? 'scanned by clamd' : '(no scanner)'}, then ${r.sites} sites fetching a ${r.attachmentMb} MB attachment at once`,
  );
  console.log(
    table([
      ['upload', 'value'],
      ['upload answered 201 (ms)', fmt(r.upload.uploadMs)],
      [`until ${r.upload.state} (ms)`, fmt(r.upload.scannedMs)],
      ['server RSS before → peak (MB)', `${fmt(r.upload.rssBeforeMb)} → ${fmt(r.upload.rssPeakMb)}`],
      ['server CPU (s)', fmt(r.upload.cpuSeconds)],
    ]),
  );
  const a = r.download.avisa;
  const f = r.download.floor;
  console.log(
    table([
      [`${r.sites} downloads`, 'avisa', 'floor', 'ratio'],
      ['complete and checked', `${a.ok}/${r.sites}`, `${f.ok}/${r.sites}`, '-'],
      ['failed (why)', JSON.stringify(a.why), JSON.stringify(f.why), '-'],
      ['first has it (ms)', fmt(a.firstMs), fmt(f.firstMs), ratio(a.firstMs, f.firstMs)],
      ['last has it (ms)', fmt(a.lastMs), fmt(f.lastMs), ratio(a.lastMs, f.lastMs)],
      ['server RSS rise (MB)', fmt(a.rssPeakMb - a.rssBeforeMb), fmt(f.rssRiseMb), '-'],
      ['server CPU (s)', fmt(a.cpuSeconds), '-', '-'],
      ['downloads recorded per site', String(a.recorded), '-', '-'],
    ]),
  );
}
