'use strict';
// Shared harness of the end-to-end scenarios: several official socket.io-clients per check against
// one running Switchboard node, every received event recorded, bounded waits everywhere.
//
// A scenario file builds a Scenario, registers checks and calls run():
//
//   const { Scenario } = require('../lib/harness');
//   const sc = new Scenario('rooms');
//   sc.check('name', async (t) => { const a = await t.client('a', 'websocket'); ... });
//   sc.run();
//
// Output, one JSON object per line on stdout: {"plan":[names],"scenario":...}, then per check
// {"check":name,"ok":bool,"ms":n[,"error":...]}, then {"summary":true,...}. Exit 0 when every check
// passed, 1 when one failed, 2 on bad usage, 3 when the whole run exceeded TOTAL_TIMEOUT_MS.
// Diagnostics go to stderr.
//
// Environment: SB_URL (or argv[2]) the node's base URL; SB_URLS, a comma list of the base URLs of
// several nodes of one cluster (overrides SB_URL): successive clients connect to successive nodes
// (round-robin, in the order they are created) and successive HTTP API calls (apiBase) go to
// successive nodes, so every check has its clients spread over the cluster; STEP_TIMEOUT_MS (a
// wait for one event or ack), CHECK_TIMEOUT_MS (one check), QUIET_MS (how long "nothing arrives"
// is watched), TOTAL_TIMEOUT_MS (the whole run).

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { io } = require('socket.io-client');

const URLS = (process.env.SB_URLS || '').split(',').map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u.length > 0);
const URL = URLS.length ? URLS[0] : process.env.SB_URL || process.argv[2];
if (URL && URLS.length === 0) URLS.push(URL.replace(/\/+$/, ''));
let clientTurn = 0;
let apiTurn = 0;

/** The node the next client connects to: always URL with one node, round-robin over SB_URLS. */
function nextClientUrl() {
  return URLS[clientTurn++ % URLS.length];
}

/** The base URL (no trailing slash) the next HTTP API call goes to: round-robin over SB_URLS. */
function apiBase() {
  return URLS[apiTurn++ % URLS.length];
}
const STEP_MS = Number(process.env.STEP_TIMEOUT_MS || 5000);
const CHECK_MS = Number(process.env.CHECK_TIMEOUT_MS || 20000);
const QUIET_MS = Number(process.env.QUIET_MS || 300);
const TOTAL_MS = Number(process.env.TOTAL_TIMEOUT_MS || 60000);
const TRANSPORTS = ['websocket', 'polling', 'upgrade'];

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function short(value, max = 600) {
  let s;
  try {
    s = typeof value === 'string' ? value : JSON.stringify(value);
  } catch (e) {
    s = String(value);
  }
  if (s === undefined) s = String(value);
  return s.length > max ? s.slice(0, max) + `...(${s.length} chars)` : s;
}

/** A short random tag, so ids of different checks (and runs) never collide. */
function tag() {
  return crypto.randomBytes(4).toString('hex');
}

/**
 * One socket.io-client with an inbox: every event the server sends is recorded in arrival order
 * until a test takes it (next) or asserts there is none (quiet).
 */
class Client {
  constructor(name, transport, extraOptions = {}) {
    if (!TRANSPORTS.includes(transport)) throw new Error(`unknown transport ${transport}`);
    this.name = name;
    this.transport = transport;
    this.inbox = [];
    this.waiters = [];
    this.disconnects = [];
    const transports = transport === 'websocket' ? ['websocket'] : transport === 'polling' ? ['polling'] : ['polling', 'websocket'];
    this.url = nextClientUrl();
    this.node = URLS.indexOf(this.url);
    this.socket = io(this.url, {
      forceNew: true,
      reconnection: false,
      transports,
      upgrade: transport === 'upgrade',
      timeout: STEP_MS,
      ...extraOptions,
    });
    this.socket.onAny((event, ...args) => this._receive(event, args));
    this.socket.on('disconnect', (reason) => {
      this.disconnects.push(reason);
      this._wake();
    });
  }

  get id() {
    return this.socket.id;
  }

  get connected() {
    return this.socket.connected;
  }

  _receive(event, args) {
    this.inbox.push({ event, args, at: Date.now() });
    this._wake();
  }

  _wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  _changed(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async connect() {
    if (this.socket.connected) return this;
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: not connected within ${STEP_MS} ms`));
      }, STEP_MS);
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const onError = (err) => {
        cleanup();
        reject(new Error(`${this.name}: connect_error ${err && err.message}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
      };
      this.socket.on('connect', onConnect);
      this.socket.on('connect_error', onError);
    });
    return this;
  }

  /** The transport in use now (polling or websocket). */
  transportName() {
    return this.socket.io.engine && this.socket.io.engine.transport ? this.socket.io.engine.transport.name : null;
  }

  /**
   * Takes the first recorded `event` whose first argument satisfies `filter`, waiting up to `ms`.
   * Resolves with the first argument.
   */
  async next(event, filter = () => true, ms = STEP_MS) {
    const args = await this.nextArgs(event, filter, ms);
    return args[0];
  }

  async nextArgs(event, filter = () => true, ms = STEP_MS) {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex((e) => e.event === event && safeFilter(filter, e.args[0]));
      if (i >= 0) {
        const [entry] = this.inbox.splice(i, 1);
        return entry.args;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.name} (${this.transport}${URLS.length > 1 ? `, node ${this.node}` : ''}): no '${event}' within ${ms} ms; inbox: ${short(this.inbox.map((e) => [e.event, e.args]))}`);
      }
      await this._changed(left);
    }
  }

  /** Waits until this socket is disconnected; resolves with the reason. */
  async disconnected(ms = STEP_MS) {
    const deadline = Date.now() + ms;
    while (this.socket.connected || this.disconnects.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: still connected after ${ms} ms`);
      await this._changed(Math.min(left, 50));
    }
    return this.disconnects[this.disconnects.length - 1];
  }

  emit(event, ...args) {
    this.socket.emit(event, ...args);
  }

  /** Emits with an ack callback; resolves with the ack's first argument. */
  ack(event, ...args) {
    return this.socket.timeout(STEP_MS).emitWithAck(event, ...args).catch((e) => {
      throw new Error(`${this.name}: no ack for '${event}' within ${STEP_MS} ms (${e.message})`);
    });
  }

  /** Drops what was recorded so far (events a check does not look at). */
  drain(event) {
    if (event === undefined) this.inbox = [];
    else this.inbox = this.inbox.filter((e) => e.event !== event);
  }

  pending() {
    return this.inbox.map((e) => ({ event: e.event, args: e.args }));
  }

  close() {
    this.socket.disconnect();
  }

  /** Kills the TCP connection without any Engine.IO / Socket.IO goodbye (websocket transport only). */
  killTransport() {
    const transport = this.socket.io.engine.transport;
    if (transport.name !== 'websocket' || !transport.ws || !transport.ws._socket) {
      throw new Error(`${this.name}: killTransport needs a websocket transport (has ${transport.name})`);
    }
    transport.ws._socket.destroy();
  }
}

function safeFilter(filter, value) {
  try {
    return !!filter(value);
  } catch (e) {
    return false;
  }
}

/** What one check works with: its clients (closed when the check ends) and the assertions. */
class TestContext {
  constructor(checkName) {
    this.checkName = checkName;
    this.clients = [];
    this.t = tag();
  }

  /** A unique id for this check: `${prefix}-${tag}`. */
  id(prefix) {
    return `${prefix}-${this.t}`;
  }

  /** Opens and connects a client. transport: websocket | polling | upgrade (polling, then WebSocket). */
  async client(name, transport, extraOptions) {
    const c = new Client(name, transport, extraOptions);
    this.clients.push(c);
    await c.connect();
    return c;
  }

  /** Opens several clients at once: specs [[name, transport], ...]. */
  async clientsOf(specs) {
    return Promise.all(specs.map(([name, transport, extra]) => this.client(name, transport, extra)));
  }

  /**
   * Watches `clients` for QUIET_MS (or `ms`) and fails when any of them holds an event it was not
   * expected to get (events in `ignore` are allowed and left alone).
   */
  async quiet(clients, { ms = QUIET_MS, ignore = [] } = {}) {
    await sleep(ms);
    const unexpected = [];
    for (const c of clients) {
      const extra = c.inbox.filter((e) => !ignore.includes(e.event));
      if (extra.length) unexpected.push(`${c.name}: ${short(extra.map((e) => [e.event, ...e.args]), 400)}`);
    }
    if (unexpected.length) {
      throw new Error(`unexpected events: ${unexpected.join('; ')}`);
    }
  }

  /**
   * A refused request: emits `event` with `args` and an ack; expects the ack
   * {ok:false, code, message} and the `error` event {message, code, event} on the same socket.
   */
  async refused(c, event, args, code, message) {
    const ack = await c.ack(event, ...args);
    assertFailedAck(ack, code, message, `${c.name} ${event} ack`);
    const err = await c.next('error', (e) => e && e.event === event);
    assertError(err, event, code, ack.message, `${c.name} ${event} error event`);
    if (message !== undefined) assert.equal(err.message, message, 'error message');
    return err;
  }

  /** The same refusal without an ack callback: the `error` event only. */
  async refusedNoAck(c, event, args, code, message) {
    c.emit(event, ...args);
    const err = await c.next('error', (e) => e && e.event === event);
    assertError(err, event, code, message, `${c.name} ${event} error event`);
    return err;
  }

  async close() {
    for (const c of this.clients) {
      try {
        c.close();
      } catch (e) {
        // already gone
      }
    }
  }
}

function assertFailedAck(ack, code, message, what = 'ack') {
  assert.ok(ack && typeof ack === 'object', `${what}: an object, got ${short(ack)}`);
  assert.deepEqual(Object.keys(ack).sort(), ['code', 'message', 'ok'], `${what}: keys of ${short(ack)}`);
  assert.equal(ack.ok, false, `${what}: ok`);
  if (Array.isArray(code)) assert.ok(code.includes(ack.code), `${what}: code ${ack.code} not in ${code}`);
  else assert.equal(ack.code, code, `${what}: code (${short(ack)})`);
  assert.equal(typeof ack.message, 'string', `${what}: message is a string`);
  assert.ok(ack.message.length > 0, `${what}: message not empty`);
  if (message !== undefined) assert.equal(ack.message, message, `${what}: message`);
}

function assertError(err, event, code, message, what = 'error event') {
  assert.ok(err && typeof err === 'object', `${what}: an object, got ${short(err)}`);
  assert.deepEqual(Object.keys(err).sort(), ['code', 'event', 'message'], `${what}: keys of ${short(err)}`);
  assert.equal(err.event, event, `${what}: event`);
  if (Array.isArray(code)) assert.ok(code.includes(err.code), `${what}: code ${err.code} not in ${code}`);
  else assert.equal(err.code, code, `${what}: code (${short(err)})`);
  assert.equal(typeof err.message, 'string', `${what}: message`);
  assert.ok(err.message.length > 0, `${what}: message not empty`);
  if (message !== undefined) assert.equal(err.message, message, `${what}: message`);
}

/** A successful ack: ok:true plus exactly `fields` (when given). */
function assertOkAck(ack, fields, what = 'ack') {
  assert.ok(ack && typeof ack === 'object', `${what}: an object, got ${short(ack)}`);
  assert.equal(ack.ok, true, `${what}: ok (${short(ack)})`);
  if (fields) {
    for (const [k, v] of Object.entries(fields)) assert.deepEqual(ack[k], v, `${what}: ${k} (${short(ack)})`);
  }
}

/**
 * `actual` has exactly the keys of `required` (with those values, compared deeply) plus, optionally,
 * keys of `optional` (with those values when the value given is not undefined).
 */
function assertShape(actual, required, optional = {}, what = 'payload') {
  assert.ok(actual && typeof actual === 'object' && !Array.isArray(actual), `${what}: an object, got ${short(actual)}`);
  for (const [k, v] of Object.entries(required)) {
    assert.ok(Object.prototype.hasOwnProperty.call(actual, k), `${what}: missing '${k}' in ${short(actual)}`);
    assert.deepEqual(actual[k], v, `${what}: '${k}' in ${short(actual)}`);
  }
  for (const k of Object.keys(actual)) {
    if (Object.prototype.hasOwnProperty.call(required, k)) continue;
    assert.ok(Object.prototype.hasOwnProperty.call(optional, k), `${what}: unexpected field '${k}' in ${short(actual)}`);
    if (optional[k] !== undefined) assert.deepEqual(actual[k], optional[k], `${what}: '${k}' in ${short(actual)}`);
  }
}

/** Every field of `sent` is in `actual` with the same value (extra fields allowed). */
function assertKeeps(actual, sent, what = 'payload') {
  assert.ok(actual && typeof actual === 'object', `${what}: an object, got ${short(actual)}`);
  for (const [k, v] of Object.entries(sent)) {
    assert.deepEqual(actual[k], v, `${what}: field '${k}' not kept as sent (${short(actual)})`);
  }
}

/** The same JSON text: same fields, same order, same values ("forwarded as is"). */
function assertSameJson(actual, sent, what = 'payload') {
  const a = JSON.stringify(actual);
  const s = JSON.stringify(sent);
  assert.equal(a, s, `${what}: not forwarded as is`);
}

class Scenario {
  constructor(name) {
    this.name = name;
    this.checks = [];
    /** Clients that live across checks (for scenarios whose steps build on each other); closed at the end. */
    this.shared = new TestContext('shared');
  }

  check(name, fn) {
    if (this.checks.some((c) => c.name === name)) throw new Error(`duplicate check ${name}`);
    this.checks.push({ name, fn });
  }

  async run() {
    if (!URL) {
      process.stderr.write('usage: node <scenario>.js <server-url>  (or SB_URL, or SB_URLS=<url>,<url>,... for a cluster)\n');
      process.exit(2);
    }
    const started = Date.now();
    const total = setTimeout(() => {
      out({ check: '__run__', ok: false, error: `whole run exceeded ${TOTAL_MS} ms` });
      process.exit(3);
    }, TOTAL_MS);
    out({ scenario: this.name, plan: this.checks.map((c) => c.name), client: require('socket.io-client/package.json').version, nodes: URLS.length });
    let failed = 0;
    for (const { name, fn } of this.checks) {
      const t = new TestContext(name);
      const t0 = Date.now();
      let timer;
      try {
        const result = await Promise.race([
          fn(t),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`check exceeded ${CHECK_MS} ms`)), CHECK_MS);
          }),
        ]);
        out({ check: name, ok: true, ms: Date.now() - t0, ...(result && typeof result === 'object' ? { info: result } : {}) });
      } catch (e) {
        failed++;
        out({ check: name, ok: false, ms: Date.now() - t0, error: short(e && e.message ? e.message : e, 3000) });
        process.stderr.write(`[${this.name}] ${name} FAILED\n${e && e.stack ? e.stack : e}\n`);
      } finally {
        clearTimeout(timer);
        await t.close();
      }
    }
    await this.shared.close();
    clearTimeout(total);
    out({ summary: true, scenario: this.name, passed: this.checks.length - failed, failed, ms: Date.now() - started });
    // Let the closing packets go out before the process ends.
    await sleep(50);
    process.exit(failed ? 1 : 0);
  }
}

module.exports = {
  Scenario,
  Client,
  assert,
  assertShape,
  assertKeeps,
  assertSameJson,
  assertOkAck,
  assertFailedAck,
  assertError,
  sleep,
  short,
  tag,
  URL,
  URLS,
  apiBase,
  STEP_MS,
  QUIET_MS,
};
