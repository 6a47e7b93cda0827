/* global process, performance, setTimeout, clearTimeout */
// Simulated receivers: one child process holds a share of the Socket.IO connections and speaks the real
// receiver protocol (handshake with name and key, `delivered` receipt with an acknowledgement for each alert).
// The parent drives it over IPC; every timestamp is wall-clock milliseconds with sub-millisecond precision
// (performance.timeOrigin + performance.now()), comparable between processes on the same machine.
//
// Two kinds of receivers:
// - `fanout` (capacity and fan-out scenarios, the default): no de-duplication, every alert's arrival and ack
//   time per socket is reported back so the parent can compute arrival percentiles per alert.
// - `site` (throughput and reconnect storm): behaves like apps/receiver's AlertHandler — a seen-ids map per
//   site that survives reconnections; an alert whose id was already shown is not shown again, only its receipt
//   is repeated; a higher `reminder` of an unread alert is shown again (counted apart). Receipts are kept
//   until acknowledged (an outbox per site) and sent again after reconnecting. Only counters and a few
//   maxima are reported, so 10,000 sites × many alerts stay cheap over IPC.
import { Agent } from 'node:https';
import { createSecureContext } from 'node:tls';
import { io } from 'socket.io-client';

const now = () => performance.timeOrigin + performance.now();
const send = (msg) => process.send?.(msg);

// ---------- fan-out receivers (unchanged behaviour) ----------

let sockets = [];
let expected = 0; // connected sockets in this worker
// id -> { recv: number[], recvBy: {group: number[]}, acks: number[], ackErrors: number, reported: boolean }
const alerts = new Map();

function alertState(id) {
  let s = alerts.get(id);
  if (!s) {
    s = { recv: [], recvBy: {}, acks: [], ackErrors: 0, reported: false };
    alerts.set(id, s);
  }
  return s;
}

function maybeReport(id) {
  const s = alerts.get(id);
  if (!s || s.reported || s.recv.length < expected || s.acks.length + s.ackErrors < expected) return;
  s.reported = true;
  send({ type: 'alert-done', id, recv: s.recv, recvBy: s.recvBy, acks: s.acks, ackErrors: s.ackErrors });
}

/** `group`: the credential's group (the cluster scenario: which instance the socket is connected to), if any. */
function onAlert(socket, payload, group) {
  const t = now();
  const s = alertState(payload.id);
  s.recv.push(t);
  if (group !== undefined) (s.recvBy[group] ??= []).push(t);
  socket.emit('receipt', { id: payload.id, state: 'delivered', at: new Date().toISOString() }, (ack) => {
    if (ack && ack.ok === true) s.acks.push(now());
    else s.ackErrors++;
    maybeReport(payload.id);
  });
}

// ---------- site receivers (throughput, reconnect storm) ----------

const ACK_TIMEOUT_MS = 10_000; // apps/receiver: ackTimeoutMs default
const STABLE_AFTER_MS = 10_000; // apps/receiver: backoff resets after a connection lasted this long

/** name -> site state; kept across connections (the real receiver keeps `seen` and its outbox on disk). */
const sites = new Map();
let expectedIds = null; // ids the parent expects every site to show (storm), in the order they were sent
let expectedSet = null;
let storm = null; // { minMs, maxMs, timeoutMs, timeoutCapMs, handshakeGraceMs, url, ca, agentOptions, started, stopped }

const stats = {
  arrivals: 0, // raw `alert` events
  shown: 0, // first showing of an id at a site
  duplicateArrivals: 0, // an id this site had already shown arrived again (not shown)
  duplicateAfterAck: 0, // ... and the server had already acknowledged this site's `delivered` receipt for it
  duplicateShown: 0, // an id shown a second time without being a legitimate reminder (must stay 0)
  remindersShown: 0, // an unread urgent alert shown again with a higher reminder (legitimate)
  unexpected: 0, // storm: an alert id the parent did not post during the outage
  outOfOrder: 0, // storm: an expected alert shown before an older expected one at the same site
  receiptsSent: 0,
  acks: 0,
  ackErrors: {}, // reason -> count (ok:false text, or 'timeout')
  lastShownAt: 0, // wall clock of the last first-showing in this worker
  lastAckAt: 0,
  welcomes: 0,
  welcomePending: 0, // sum of `pending` announced in `welcome` (storm: from the restart on)
  disconnects: {}, // reason -> count (storm: from the restart on)
  refusals: {}, // reason -> count, every failed attempt (storm: from the restart on)
  attempts: 0,
};

function bump(map, key) {
  map[key] = (map[key] ?? 0) + 1;
}

/** A refusal's code (`already_connected`, …), or the client-side failure with its cause when there is one. */
function connectErrorReason(error) {
  if (error?.data?.code) return error.data.code;
  const cause = error?.description?.error ?? error?.description;
  const detail = cause?.code ?? cause?.message;
  return detail && detail !== error?.message ? `${error?.message}: ${detail}` : (error?.message ?? String(error));
}

function siteFor(cred) {
  let s = sites.get(cred.name);
  if (!s) {
    s = {
      cred,
      seen: new Map(), // id -> { reminder, acked }
      outbox: new Map(), // id -> receipt not yet acknowledged
      socket: null,
      firstConnectAfterStorm: null,
      connectedAt: null,
      attempt: 0,
      lastExpectedIndex: -1,
      shownExpected: 0,
      allShownAt: null,
    };
    sites.set(cred.name, s);
  }
  return s;
}

function sendReceipt(site, receipt) {
  const socket = site.socket;
  site.outbox.set(receipt.id, receipt);
  if (!socket?.connected) return;
  stats.receiptsSent++;
  socket.timeout(ACK_TIMEOUT_MS).emit('receipt', receipt, (error, ack) => {
    if (error) {
      bump(stats.ackErrors, 'timeout');
      return;
    }
    if (ack?.ok === true) {
      stats.acks++;
      stats.lastAckAt = now();
      if (site.outbox.get(receipt.id) === receipt) site.outbox.delete(receipt.id);
      const entry = site.seen.get(receipt.id);
      if (entry) entry.acked = true;
    } else bump(stats.ackErrors, ack?.error ?? JSON.stringify(ack));
  });
}

function onSiteAlert(site, payload) {
  stats.arrivals++;
  const id = payload?.id;
  if (typeof id !== 'string') return;
  const reminder = Number(payload.reminder ?? 0);
  const entry = site.seen.get(id);
  if (entry) {
    if (reminder > entry.reminder) {
      entry.reminder = reminder;
      if (payload.priority === 'urgent') stats.remindersShown++;
      else stats.duplicateShown++; // a normal alert never gets reminders: this would be shown twice
    } else {
      stats.duplicateArrivals++;
      if (entry.acked) stats.duplicateAfterAck++;
    }
    sendReceipt(site, { id, state: 'delivered', at: new Date(entry.shownAt).toISOString() });
    return;
  }
  const t = now();
  site.seen.set(id, { reminder, acked: false, shownAt: Date.now() });
  stats.shown++;
  stats.lastShownAt = t;
  if (expectedSet) {
    const index = expectedSet.get(id);
    if (index === undefined) stats.unexpected++;
    else {
      if (index < site.lastExpectedIndex) stats.outOfOrder++;
      site.lastExpectedIndex = Math.max(site.lastExpectedIndex, index);
      site.shownExpected++;
      if (site.shownExpected === expectedIds.length) site.allShownAt = t;
    }
  }
  sendReceipt(site, { id, state: 'delivered', at: new Date().toISOString() });
}

/** `agent`: the storm attempt's https.Agent (a ReachAgent, holding the worker's one TLS context when shared), if any. */
function siteSocket(url, ca, site, timeout, agent) {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false, // like apps/receiver: its own loop below reconnects, with full-jitter backoff
    timeout,
    ca,
    rejectUnauthorized: true,
    ...(agent ? { agent } : {}),
    auth: { name: site.cred.name, key: site.cred.key, clientVersion: 'bench', protocol: 1 },
  });
  socket.on('alert', (payload) => onSiteAlert(site, payload));
  socket.on('welcome', (w) => {
    stats.welcomes++;
    stats.welcomePending += Number(w?.pending ?? 0);
  });
  socket.on('connect', () => {
    site.socket = socket;
    site.connectedAt = now();
    // Receipts not acknowledged before the connection was lost are sent again (apps/receiver's outbox).
    for (const receipt of [...site.outbox.values()]) sendReceipt(site, receipt);
  });
  return socket;
}

/** First connection of a site (throughput, and the storm's initial phase): no retries, like the fan-out path. */
function connectSiteOnce(url, ca, cred) {
  const site = siteFor(cred);
  return new Promise((resolve) => {
    const socket = siteSocket(url, ca, site, 60_000);
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ error: connectErrorReason(error) });
    });
  });
}

/** apps/receiver's ReachAgent: emits `reached` once the server's machine has accepted the TCP connection. */
class ReachAgent extends Agent {
  createConnection(...args) {
    const socket = super.createConnection(...args);
    socket?.once('connect', () => this.emit('reached'));
    return socket;
  }
}

/** One attempt of the storm loop: resolves when the attempt failed or the connection ended. */
function stormAttempt(site) {
  return new Promise((resolve) => {
    stats.attempts++;
    // apps/receiver's connect timeout doubles after each attempt that timed out, up to its cap, until one connects.
    // It is for reaching the server; once reached, the handshakes get the grace on top (HANDSHAKE_GRACE_MS).
    const reachMs = ceiling(storm.timeoutMs, storm.timeoutCapMs, site.timeoutsInARow);
    const agent = new ReachAgent(storm.agentOptions);
    const socket = siteSocket(storm.url, storm.ca, site, reachMs + storm.handshakeGraceMs, agent);
    const unreached = storm.handshakeGraceMs > 0 ? setTimeout(() => failed(new Error('timeout')), reachMs) : null;
    agent.once('reached', () => clearTimeout(unreached));
    let connectedAt = null;
    let finished = false;
    const finish = (outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(unreached);
      if (site.socket === socket) site.socket = null;
      site.abort = null;
      socket.removeAllListeners();
      socket.disconnect();
      resolve(outcome);
    };
    site.abort = () => finish({ connectedFor: null, retryAfterMs: 0 });
    socket.on('connect', () => {
      clearTimeout(unreached);
      connectedAt = now();
      site.timeoutsInARow = 0;
      if (site.firstConnectAfterStorm === null) site.firstConnectAfterStorm = connectedAt;
    });
    const failed = (error) => {
      if (finished) return;
      const reason = connectErrorReason(error);
      bump(stats.refusals, reason);
      site.timeoutsInARow = reason === 'timeout' ? site.timeoutsInARow + 1 : 0;
      const retry = Number(error?.data?.retryAfterSeconds ?? 0) * 1000;
      finish({ connectedFor: null, retryAfterMs: retry });
    };
    socket.on('connect_error', failed);
    socket.on('disconnect', (reason) => {
      if (!storm.stopped) bump(stats.disconnects, reason);
      finish({ connectedFor: now() - (connectedAt ?? now()), retryAfterMs: 0 });
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** apps/receiver's backoffCeiling: `base` doubled `n` times, at most `cap`. */
const ceiling = (base, cap, n) => Math.min(cap, base * 2 ** Math.min(n, 30));

/**
 * apps/receiver's ReceiverConnection.run: connect, and after any failure wait full-jitter backoff, forever.
 * `firstWaitMs` > 0: the site has just lost its connection, so, like the receiver (whose backoff a stable connection
 * reset), it first waits uniform in [0, firstWaitMs] and its next ceiling is twice that. 0: it tries at once.
 */
async function stormLoop(site, firstWaitMs) {
  if (firstWaitMs > 0) {
    site.attempt = 1;
    await sleep(Math.round(Math.random() * firstWaitMs));
  }
  while (!storm.stopped) {
    const outcome = await stormAttempt(site);
    if (storm.stopped) break;
    if (outcome.connectedFor !== null && outcome.connectedFor >= STABLE_AFTER_MS) site.attempt = 0;
    const wait = ceiling(storm.minMs, storm.maxMs, site.attempt);
    site.attempt++;
    const delay = Math.max(Math.round(Math.random() * wait), outcome.retryAfterMs ?? 0);
    await sleep(delay);
  }
}

function siteReport() {
  let connectedNow = 0;
  let everConnected = 0;
  let lastFirstConnect = 0;
  let allShown = 0;
  let lastAllShown = 0;
  let outboxLeft = 0;
  for (const s of sites.values()) {
    if (s.socket?.connected) connectedNow++;
    if (s.firstConnectAfterStorm !== null) {
      everConnected++;
      lastFirstConnect = Math.max(lastFirstConnect, s.firstConnectAfterStorm);
    }
    if (expectedIds && s.shownExpected === expectedIds.length) {
      allShown++;
      lastAllShown = Math.max(lastAllShown, s.allShownAt);
    }
    outboxLeft += s.outbox.size;
  }
  return {
    type: 'site-stats',
    sites: sites.size,
    connectedNow,
    everConnected,
    lastFirstConnect: lastFirstConnect || null,
    allShown,
    lastAllShown: lastAllShown || null,
    outboxLeft,
    ...stats,
  };
}

// ---------- connecting ----------

/** `cred.url`, when given, overrides the worker's URL (the cluster scenario: each site picks its instance). */
function connectOne(url, ca, cred) {
  return new Promise((resolve) => {
    const socket = io(cred.url ?? url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 60_000,
      ca,
      auth: { name: cred.name, key: cred.key, clientVersion: 'bench', protocol: 1 },
    });
    socket.on('alert', (payload) => onAlert(socket, payload, cred.group));
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ error: `${error.message}${error.data?.code ? ` (${error.data.code})` : ''}` });
    });
  });
}

async function connectAll({ url, ca, creds, concurrency, mode = 'fanout' }) {
  const errors = {};
  let next = 0;
  const started = now();
  async function lane() {
    while (next < creds.length) {
      const cred = creds[next++];
      const result =
        mode === 'site' ? await connectSiteOnce(cred.url ?? url, ca, cred) : await connectOne(url, ca, cred);
      if (result.socket) sockets.push(result.socket);
      else errors[result.error] = (errors[result.error] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, creds.length) }, lane));
  expected = sockets.length;
  let disconnects = 0;
  for (const socket of sockets) socket.on('disconnect', () => disconnects++);
  send({
    type: 'connected',
    connected: sockets.length,
    failed: creds.length - sockets.length,
    errors,
    started,
    done: now(),
  });
}

function resetStats() {
  for (const key of Object.keys(stats)) stats[key] = typeof stats[key] === 'object' ? {} : 0;
}

process.on('message', (msg) => {
  if (msg.type === 'connect') void connectAll(msg);
  else if (msg.type === 'close') {
    if (storm) storm.stopped = true;
    for (const site of sites.values()) site.abort?.();
    for (const socket of sockets) socket.close();
    sockets = [];
    expected = 0;
    alerts.clear();
    send({ type: 'closed' });
  } else if (msg.type === 'site-stats') send(siteReport());
  else if (msg.type === 'offline') {
    // The sites go offline: every socket closed by the client; `seen` and outboxes are kept.
    for (const socket of sockets) {
      socket.removeAllListeners('disconnect');
      socket.close();
    }
    for (const site of sites.values()) site.socket = null;
    sockets = [];
    expected = 0;
    send({ type: 'offline-done', at: now() });
  } else if (msg.type === 'storm') {
    // The storm: every site of this worker starts its connection loop in the same tick; with `firstWaitMs`, each
    // first waits its own jittered share of it, as a receiver that just lost the server does.
    expectedIds = msg.expectedIds;
    expectedSet = new Map(expectedIds.map((id, i) => [id, i]));
    resetStats();
    storm = {
      url: msg.url,
      ca: msg.ca,
      minMs: msg.minMs,
      maxMs: msg.maxMs,
      timeoutMs: msg.timeoutMs,
      timeoutCapMs: Math.max(msg.timeoutMs, msg.timeoutCapMs ?? msg.timeoutMs),
      handshakeGraceMs: msg.handshakeGraceMs ?? 0,
      // No session is cached, so every attempt is a full handshake for the server.
      agentOptions: { maxCachedSessions: 0 },
    };
    // `shared`: every site of this worker verifies the server with one TLS context instead of building one from the
    // CA per attempt (~1 ms of the shared cores each). A real site builds its own on its own PC; no session is
    // cached, so every attempt is still a full handshake for the server.
    if (msg.clientContext === 'shared') storm.agentOptions.secureContext = createSecureContext({ ca: msg.ca });
    storm.started = now();
    for (const site of sites.values()) {
      site.firstConnectAfterStorm = null;
      site.attempt = 0;
      site.timeoutsInARow = 0;
      void stormLoop(site, msg.firstWaitMs ?? 0);
    }
    send({ type: 'storm-started', at: storm.started });
  } else if (msg.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
