'use strict';
// Drives the official socket.io-client against a running Switchboard interop server
// (io.switchboard.protocol.interop.InteropServer).
//
//   node interop.js <server-url> <websocket|polling|upgrade>
//
// Prints one JSON object per line on stdout: first {"plan":[check names]}, then
// {"check":name,"ok":bool,"ms":n,...} per check, then {"summary":true,...}.
// Exits 0 when every check passed, 1 when one failed, 2 on bad usage, 3 when the whole run timed out.
// Diagnostics go to stderr. Every check has its own deadline; the whole run is bounded too.

const assert = require('node:assert/strict');
const { io } = require('socket.io-client');

const CHECK_TIMEOUT_MS = Number(process.env.CHECK_TIMEOUT_MS || 10000);
const TOTAL_TIMEOUT_MS = Number(process.env.TOTAL_TIMEOUT_MS || 100000);

const [url, mode] = process.argv.slice(2);
const TRANSPORTS = {
  websocket: { transports: ['websocket'] },
  polling: { transports: ['polling'] },
  upgrade: { transports: ['polling', 'websocket'], upgrade: true },
};
if (!url || !TRANSPORTS[mode]) {
  process.stderr.write('usage: node interop.js <server-url> <websocket|polling|upgrade>\n');
  process.exit(2);
}

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

const globalTimer = setTimeout(() => {
  out({ check: '__run__', ok: false, error: `whole run exceeded ${TOTAL_TIMEOUT_MS} ms` });
  process.exit(3);
}, TOTAL_TIMEOUT_MS);

/** Client options of this mode; reconnection is fast so the reconnect check stays short. */
function options(extra) {
  return {
    ...TRANSPORTS[mode],
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    randomizationFactor: 0,
    timeout: 5000,
    ...extra,
  };
}

// Sockets opened by the current check; closed when it ends.
let opened = [];
function track(socket) {
  opened.push(socket);
  return socket;
}

/** Resolves with the arguments of the next `event`, or rejects after `ms`. */
function next(emitter, event, ms = CHECK_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`no '${event}' within ${ms} ms`));
    }, ms);
    function handler(...args) {
      clearTimeout(timer);
      resolve(args);
    }
    emitter.once(event, handler);
  });
}

/** Waits for a socket's connect, failing fast on connect_error. */
function connected(socket, ms = CHECK_TIMEOUT_MS) {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`not connected within ${ms} ms`));
    }, ms);
    function onConnect() {
      cleanup();
      resolve();
    }
    function onError(err) {
      cleanup();
      reject(new Error(`connect_error: ${err && err.message}`));
    }
    function cleanup() {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
    }
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(what, predicate, ms = CHECK_TIMEOUT_MS) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

/** The first argument of the ack (emitWithAck resolves with that one only). */
function ack(socket, event, ...args) {
  return socket.timeout(5000).emitWithAck(event, ...args);
}

/** Every argument of the ack (the callback form). */
function ackAll(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(5000).emit(event, ...args, (err, ...res) => (err ? reject(err) : resolve(res)));
  });
}

function bytes(value) {
  assert.ok(Buffer.isBuffer(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value),
    `expected binary, got ${Object.prototype.toString.call(value)} ${JSON.stringify(value)}`);
  return Buffer.from(value instanceof ArrayBuffer ? new Uint8Array(value) : value);
}

// ---- the checks --------------------------------------------------------------------------------

const AUTH = { token: 'good', user: { name: 'ana', n: 42, tags: ['a', 'b'] }, text: 'héllo ✓ "q"' };
let main; // the socket of the main namespace, shared by several checks
let hello; // promise of its hello event

/** In upgrade mode, waits until the socket's connection runs on WebSocket (so checks do not race the upgrade). */
async function upgraded(socket) {
  if (mode === 'upgrade') {
    await until('upgrade to websocket', () => socket.io.engine.transport.name === 'websocket' && !socket.io.engine.upgrading);
  }
}

function requireMain() {
  if (!main || !main.connected) throw new Error('skipped: main socket not connected');
  return main;
}

const checks = [
  ['connect', async () => {
    main = io(url, options({ auth: AUTH }));
    hello = next(main, 'hello');
    hello.catch(() => {});
    await connected(main);
    assert.ok(main.id, 'socket id set');
    const name = main.io.engine.transport.name;
    if (mode !== 'upgrade') assert.equal(name, TRANSPORTS[mode].transports[0]);
    return { id: main.id, transport: name };
  }],

  ['transport', async () => {
    const s = requireMain();
    if (mode === 'upgrade') {
      await until('upgrade to websocket', () => s.io.engine.transport.name === 'websocket');
      assert.equal(s.io.engine.upgrading, false);
    } else {
      await sleep(200); // a polling-only client must stay on polling
      assert.equal(s.io.engine.transport.name, TRANSPORTS[mode].transports[0]);
    }
    const me = await ack(s, 'whoami');
    const expected = mode === 'polling' ? 'polling' : 'websocket';
    assert.equal(s.io.engine.transport.name, expected, 'client transport');
    assert.equal(me.transport, expected, 'server-side transport');
    assert.equal(me.session, s.io.engine.id, 'server session id = client engine id');
    assert.equal(me.sid, s.id, 'server socket id = client socket id');
    return { client: s.io.engine.transport.name, server: me.transport };
  }],

  ['auth_payload', async () => {
    requireMain();
    const [auth, nsp] = await hello;
    assert.deepEqual(auth, AUTH);
    assert.equal(nsp, '/');
  }],

  ['connect_error', async () => {
    const s = track(io(url, options({ forceNew: true, reconnection: false, auth: { token: 'bad' } })));
    let connectedOnce = false;
    s.on('connect', () => { connectedOnce = true; });
    const [err] = await next(s, 'connect_error');
    assert.ok(err instanceof Error, 'connect_error gives an Error');
    assert.equal(err.message, 'not authorized');
    assert.deepEqual(err.data, { code: 4001, reason: 'bad token' });
    await sleep(100);
    assert.equal(connectedOnce, false, 'never connected');
    assert.equal(s.connected, false);
    return { message: err.message, data: err.data };
  }],

  ['ack_client_to_server', async () => {
    const s = requireMain();
    const res = await ack(s, 'ack', { a: 1, b: [1, 2, null], c: 'ü' }, 'two', 3, true, null);
    assert.deepEqual(res, { ok: true, nsp: '/', args: [{ a: 1, b: [1, 2, null], c: 'ü' }, 'two', 3, true, null] });
    // Many acks in flight at once each get their own answer.
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => ack(s, 'ack', i)));
    many.forEach((r, i) => assert.deepEqual(r.args, [i], `ack ${i}`));
    // An ack with several arguments (the callback form).
    const multi = await ackAll(s, 'echo', 'x', 2, { y: [3] });
    assert.deepEqual(multi, ['x', 2, { y: [3] }]);
  }],

  ['ack_server_to_client', async () => {
    const s = requireMain();
    s.on('serverAsk', (payload, cb) => cb({ answer: payload.q * 2, echo: payload }, 'second'));
    const result = next(s, 'serverAskResult');
    const accepted = await ack(s, 'requestAck', { q: 21 });
    assert.equal(accepted, true);
    const [res] = await result;
    assert.deepEqual(res, { ok: true, reply: [{ answer: 42, echo: { q: 21 } }, 'second'] });
  }],

  ['binary', async () => {
    const s = requireMain();
    const buf = Buffer.from([0, 1, 2, 127, 128, 253, 254, 255]);
    const u8 = new Uint8Array(2048).map((_, i) => (i * 7) % 256);
    const empty = Buffer.alloc(0);
    const echoed = next(s, 'binaryEcho');
    const [info, b1, obj, b3] = await ackAll(s, 'binary', buf, { nested: u8, label: 'x', list: [1, buf] }, empty);
    // What the server decoded.
    assert.deepEqual(info, { kinds: ['binary', 'object', 'binary'], sizes: [8, 2048 + 8, 0] });
    // What came back in the ack (BINARY_ACK).
    assert.ok(bytes(b1).equals(buf), 'ack: first buffer');
    assert.ok(bytes(obj.nested).equals(Buffer.from(u8)), 'ack: nested Uint8Array');
    assert.equal(obj.label, 'x');
    assert.equal(obj.list[0], 1);
    assert.ok(bytes(obj.list[1]).equals(buf), 'ack: buffer in a list');
    assert.equal(bytes(b3).length, 0, 'ack: empty buffer');
    // What came back as an event (BINARY_EVENT).
    const [e1, eobj, e3] = await echoed;
    assert.ok(bytes(e1).equals(buf), 'event: first buffer');
    assert.ok(bytes(eobj.nested).equals(Buffer.from(u8)), 'event: nested Uint8Array');
    assert.equal(bytes(e3).length, 0, 'event: empty buffer');
    // A large binary, well below maxPayload.
    const big = Buffer.alloc(200_000, 0xab);
    const [bigInfo, bigBack] = await ackAll(s, 'binary', big);
    assert.deepEqual(bigInfo, { kinds: ['binary'], sizes: [200_000] });
    assert.ok(bytes(bigBack).equals(big), 'large buffer round trip');
  }],

  ['ordered_events', async () => {
    const s = requireMain();
    const N = 200;
    const got = [];
    const onSeq = (i) => got.push(i);
    s.on('seq', onSeq);
    try {
      const done = next(s, 'seqDone');
      s.emit('emitN', N);
      const [n] = await done;
      assert.equal(n, N);
      assert.deepEqual(got, Array.from({ length: N }, (_, i) => i), 'seq 0..N-1 in order');
    } finally {
      s.off('seq', onSeq);
    }
    return { received: got.length };
  }],

  ['namespace_multiplex', async () => {
    const s = requireMain();
    const auth = { token: 'good', ns: 'admin' };
    const admin = track(io(url + '/admin', options({ auth })));
    assert.equal(admin.io, s.io, 'same Manager for both namespaces');
    const adminHello = next(admin, 'hello');
    await connected(admin);
    const [a, nsp] = await adminHello;
    assert.deepEqual(a, auth);
    assert.equal(nsp, '/admin');
    const [meRoot, meAdmin] = await Promise.all([ack(s, 'whoami'), ack(admin, 'whoami')]);
    assert.equal(meAdmin.nsp, '/admin');
    assert.equal(meAdmin.session, meRoot.session, 'one Engine.IO session for both namespaces');
    assert.equal(meAdmin.session, s.io.engine.id);
    assert.notEqual(meAdmin.sid, meRoot.sid, 'distinct socket ids');
    const res = await ack(admin, 'ack', 'hi');
    assert.deepEqual(res, { ok: true, nsp: '/admin', args: ['hi'] });
    // Leaving one namespace keeps the other one and the connection.
    admin.disconnect();
    await sleep(100);
    assert.equal(s.connected, true);
    assert.deepEqual(await ack(s, 'ack', 'still'), { ok: true, nsp: '/', args: ['still'] });
    assert.equal(s.io.engine.id, meRoot.session, 'same Engine.IO session');
  }],

  ['server_disconnect', async () => {
    const s = track(io(url, options({ forceNew: true })));
    await connected(s);
    await upgraded(s);
    const session = s.io.engine.id;
    const reason = next(s, 'disconnect');
    s.emit('disconnectMe', false);
    const [r] = await reason;
    assert.equal(r, 'io server disconnect');
    await sleep(300);
    assert.equal(s.connected, false);
    assert.equal(s.active, false, 'no automatic reconnection after a server disconnect');
    return { reason: r, session };
  }],

  ['server_disconnect_close', async () => {
    // disconnect(true): every namespace of the connection is disconnected, then the transport closes.
    const s = track(io(url, options({ forceNew: true })));
    await connected(s);
    const admin = track(s.io.socket('/admin', { auth: { token: 'good' } }));
    admin.connect();
    await connected(admin);
    await upgraded(s);
    const session = s.io.engine.id;
    const reasons = Promise.all([next(s, 'disconnect'), next(admin, 'disconnect')]);
    s.emit('disconnectMe', true);
    const [[r1], [r2]] = await reasons;
    assert.equal(r1, 'io server disconnect', 'main namespace');
    assert.equal(r2, 'io server disconnect', '/admin namespace');
    // The server closed the Engine.IO session.
    const probe = requireMain();
    await until('session closed on the server', async () => (await ack(probe, 'sessionOpen', session)) === false);
    await sleep(200);
    assert.equal(s.active, false, 'no automatic reconnection');
    return { reasons: [r1, r2] };
  }],

  ['reconnect_after_transport_close', async () => {
    const s = track(io(url, options({ forceNew: true, auth: { token: 'good', again: 1 } })));
    await connected(s);
    await upgraded(s);
    const firstSession = s.io.engine.id;
    const firstId = s.id;
    const disconnected = next(s, 'disconnect');
    const reconnected = next(s.io, 'reconnect');
    s.emit('closeTransport');
    const [reason] = await disconnected;
    assert.equal(reason, 'transport close');
    assert.equal(s.active, true, 'reconnection scheduled');
    await reconnected;
    await connected(s);
    assert.notEqual(s.io.engine.id, firstSession, 'a new Engine.IO session');
    assert.notEqual(s.id, firstId, 'a new socket id');
    const res = await ack(s, 'ack', 'after');
    assert.deepEqual(res, { ok: true, nsp: '/', args: ['after'] });
    return { reason, attempts: 'reconnected' };
  }],
];

async function run() {
  out({ plan: checks.map(([name]) => name), mode, url, client: require('socket.io-client/package.json').version });
  let failed = 0;
  for (const [name, fn] of checks) {
    const start = Date.now();
    let timer;
    try {
      const detail = await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`check timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
        }),
      ]);
      out({ check: name, ok: true, ms: Date.now() - start, ...(detail ? { detail } : {}) });
    } catch (e) {
      failed++;
      out({ check: name, ok: false, ms: Date.now() - start, error: String(e && e.message ? e.message : e) });
    } finally {
      clearTimeout(timer);
      for (const s of opened) s.disconnect();
      opened = [];
    }
  }
  if (main) main.disconnect();
  out({ summary: true, mode, passed: checks.length - failed, failed });
  clearTimeout(globalTimer);
  // Leave time for the last packets to be written, then end even if a handle lingers.
  setTimeout(() => process.exit(failed ? 1 : 0), 50);
}

run().catch((e) => {
  out({ check: '__run__', ok: false, error: String(e && e.stack) });
  process.exit(1);
});
