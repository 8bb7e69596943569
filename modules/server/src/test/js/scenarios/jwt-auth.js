'use strict';
// Identity with JWT (EVENTS.md "Identities", "Calls by user id", "HTTP API ... Identity without
// JWT"): a handshake without a valid token (auth.token or ?token=) is refused with a connect
// error; the token's sub/name are the user; a declared userId other than the token's is refused
// ("Unauthorized"; for calls "Unauthorized call attempt"); the groups claim makes memberships.
// Node settings: SWITCHBOARD_JWT_SECRET (given to this script as SB_JWT_SECRET),
// SWITCHBOARD_MEETINGS_AUTO_CREATE=true.

const crypto = require('node:crypto');
const { Scenario, Client, assert, assertShape, assertOkAck, STEP_MS } = require('../lib/harness');
const { join, joinedView } = require('../lib/meetings');
const { register, videoCallData, callRequest } = require('../lib/calls');

const sc = new Scenario('jwt-auth');
const SECRET = process.env.SB_JWT_SECRET || '';

function b64(obj) {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

/** An HS256 JWT. */
function token(claims, secret = SECRET) {
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64(claims);
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

function claims(sub, name, extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { sub, name, iat: now, exp: now + 600, ...extra };
}

/** A client that must be refused at the handshake: resolves with the connect_error. */
async function refusedHandshake(t, name, transport, options) {
  const c = new Client(name, transport, options);
  t.clients.push(c);
  let connected = false;
  c.socket.on('connect', () => { connected = true; });
  const err = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no connect_error within ${STEP_MS} ms`)), STEP_MS);
    c.socket.once('connect_error', (e) => {
      clearTimeout(timer);
      resolve(e);
    });
  });
  assert.ok(err instanceof Error, 'connect_error carries an Error');
  assert.equal(connected, false, `${name}: never connected`);
  assert.equal(c.connected, false);
  return { message: err.message, data: err.data };
}

sc.check('handshake_without_valid_token_refused', async (t) => {
  assert.ok(SECRET.length >= 32, 'SB_JWT_SECRET is set');
  const now = Math.floor(Date.now() / 1000);
  const seen = [];
  seen.push(await refusedHandshake(t, 'no-token', 'websocket', {}));
  seen.push(await refusedHandshake(t, 'wrong-secret', 'polling', { auth: { token: token(claims(t.id('u'), 'U'), 'x'.repeat(40)) } }));
  seen.push(await refusedHandshake(t, 'expired', 'websocket', { auth: { token: token(claims(t.id('u'), 'U', { exp: now - 60, iat: now - 120 })) } }));
  seen.push(await refusedHandshake(t, 'garbage', 'upgrade', { auth: { token: 'not-a-jwt' } }));
  seen.push(await refusedHandshake(t, 'tampered', 'websocket', {
    auth: { token: (() => { const [h, , s] = token(claims(t.id('u'), 'U')).split('.'); return `${h}.${b64(claims('admin', 'Admin'))}.${s}`; })() },
  }));
  return { errors: seen };
});

sc.check('token_in_auth_or_query', async (t) => {
  const a = await t.client('auth-token', 'websocket', { auth: { token: token(claims(t.id('alice'), 'Alice')) } });
  const q = await t.client('query-token', 'polling', { query: { token: token(claims(t.id('bob'), 'Bob')) } });
  const bearer = await t.client('bearer', 'upgrade', { auth: { token: `Bearer ${token(claims(t.id('carol'), 'Carol'))}` } });
  await register(a, t.id('alice'));
  await register(q, t.id('bob'), 'user-connected');
  await register(bearer, t.id('carol'), 'joinVideoRoom');
  const msg = { to: t.id('bob'), text: 'verified' };
  assertOkAck(await a.ack('sendMessage', msg));
  assert.deepEqual(await q.next('receiveMessage'), msg);
  await t.quiet([a, q, bearer]);
});

sc.check('declared_user_must_match_token', async (t) => {
  const alice = t.id('alice');
  const bob = t.id('bob');
  const a = await t.client('alice', 'websocket', { auth: { token: token(claims(alice, 'Alice Verified')) } });
  const b = await t.client('bob', 'polling', { auth: { token: token(claims(bob, 'Bob Verified')) } });
  await t.refused(a, 'userOnline', [bob], 'unauthorized', 'Unauthorized');
  await t.refused(a, 'joinVideoRoom', [{ userId: bob }], 'unauthorized', 'Unauthorized');
  await register(a, alice);
  await register(b, bob);
  const m = crypto.randomUUID();
  await t.refused(a, 'join-meeting', [{ meetingId: m, userId: bob, userName: 'Bob' }], 'unauthorized', 'Unauthorized');
  // Calls: callerId / from must be the token's user.
  const spoofed = { ...videoCallData(t, { userId: bob, name: 'Bob' }, { userId: alice, name: 'Alice' }) };
  await t.refused(a, 'initiateVideoCall', [{ ...spoofed, receiverId: bob }], 'unauthorized', 'Unauthorized call attempt');
  await t.refused(a, 'call-request', [callRequest(t, bob, alice)], 'unauthorized');
  await t.quiet([a, b]);

  // The token's name is the participant's name, whatever the client declares; userId may be omitted.
  const jb = await join(b, m, bob, 'Bob Verified');
  a.emit('join-meeting', { meetingId: m, userName: 'Someone Else' });
  const ja = await a.next('meeting-joined');
  assert.equal(ja.participants.length, 1);
  assert.equal(ja.participants[0].participantId, jb.participantId);
  const pj = await b.next('participant-joined');
  assert.deepEqual(pj, joinedView(a, ja.participantId, alice, 'Alice Verified', false));
  await t.quiet([a, b]);
});

sc.check('groups_claim_joins_group_room', async (t) => {
  const g = t.id('group');
  const a = await t.client('alice', 'websocket', { auth: { token: token(claims(t.id('alice'), 'Alice', { groups: [g] })) } });
  const b = await t.client('bob', 'upgrade', { auth: { token: token(claims(t.id('bob'), 'Bob', { groups: [g] })) } });
  const e = await t.client('eve', 'polling', { auth: { token: token(claims(t.id('eve'), 'Eve')) } });
  await register(a, t.id('alice'));
  await register(b, t.id('bob'));
  await register(e, t.id('eve'));
  const msg = { groupId: g, text: 'members by token' };
  assertShape(await a.ack('sendGroupMessage', msg), { ok: true }, { delivered: undefined }, 'sendGroupMessage ack');
  assert.deepEqual(await b.next('receiveGroupMessage'), msg);
  await t.quiet([a, b, e]);
});

sc.run();
