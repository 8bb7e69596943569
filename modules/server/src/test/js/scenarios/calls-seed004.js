'use strict';
// WebRTC calls by user id (seed 004; EVENTS.md "Calls by user id", "Forwarded as is", "Busy"):
// call-request / call-answer / call-reject / call-end / ice-candidate {to} forwarded as is (the
// same JSON: same fields, same order, same values) to every socket of user `to`; offline and busy
// answered with call-failed; a spoofed `from` refused.
// Node settings: defaults (ring timeout 30 s).

const { Scenario, assert, assertSameJson, assertOkAck } = require('../lib/harness');
const { register, callRequest } = require('../lib/calls');

const sc = new Scenario('calls-seed004');
const ANSWER = { type: 'answer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' };
const CANDIDATE = { candidate: 'candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host generation 0', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u1' };

/**
 * After a device answered or rejected, the callee's other devices may be told to stop ringing
 * (a call-end for this call). EVENTS.md does not name that event for seed 004, so it is allowed,
 * not required; anything else is not.
 */
function dropStopRinging(c, callId) {
  c.inbox = c.inbox.filter((e) => !(e.event === 'call-end' && e.args[0] && e.args[0].callId === callId && e.args[0].reason));
}

async function setup(t, spec) {
  const out = {};
  for (const [user, transports] of Object.entries(spec)) {
    out[user] = [];
    for (let d = 0; d < transports.length; d++) {
      const c = await t.client(`${user}${d + 1}`, transports[d]);
      await register(c, t.id(user), 'user-connected'); // seed 004's registration
      out[user].push(c);
    }
  }
  return out;
}

sc.check('full_call_forwarded_as_is_to_every_device', async (t) => {
  const u = await setup(t, { alice: ['websocket', 'polling'], bob: ['polling', 'upgrade'] });
  const [a1, a2] = u.alice;
  const [b1, b2] = u.bob;
  const all = [a1, a2, b1, b2];
  const req = callRequest(t, a1.userId, b1.userId);
  a1.emit('call-request', req);
  assertSameJson(await b1.next('call-request'), req, 'call-request to device 1');
  assertSameJson(await b2.next('call-request'), req, 'call-request to device 2');
  await t.quiet(all);

  const answer = { callId: req.id, to: a1.userId, answer: ANSWER };
  b1.emit('call-answer', answer);
  assertSameJson(await a1.next('call-answer'), answer, 'call-answer');
  assertSameJson(await a2.next('call-answer'), answer, 'call-answer to the caller\'s other device');
  await new Promise((r) => setTimeout(r, 100));
  dropStopRinging(b2, req.id);
  await t.quiet(all);

  const iceToBob = { candidate: CANDIDATE, callId: req.id, to: b1.userId };
  a1.emit('ice-candidate', iceToBob);
  assertSameJson(await b1.next('ice-candidate'), iceToBob, 'ice-candidate to bob');
  assertSameJson(await b2.next('ice-candidate'), iceToBob, 'ice-candidate to bob (device 2)');
  const iceToAlice = { candidate: { ...CANDIDATE, candidate: CANDIDATE.candidate.replace('54321', '12345') }, callId: req.id, to: a1.userId };
  assertOkAck(await b1.ack('ice-candidate', iceToAlice));
  assertSameJson(await a1.next('ice-candidate'), iceToAlice, 'ice-candidate to alice');
  assertSameJson(await a2.next('ice-candidate'), iceToAlice, 'ice-candidate to alice (device 2)');
  await t.quiet(all);

  const end = { callId: req.id, to: b1.userId };
  a1.emit('call-end', end);
  assertSameJson(await b1.next('call-end'), end, 'call-end');
  assertSameJson(await b2.next('call-end'), end, 'call-end (device 2)');
  await t.quiet(all);
});

sc.check('voice_call_rejected', async (t) => {
  const u = await setup(t, { alice: ['upgrade'], bob: ['websocket', 'polling'], carol: ['websocket'] });
  const [a1] = u.alice;
  const [b1, b2] = u.bob;
  const [c1] = u.carol;
  const req = callRequest(t, a1.userId, b1.userId, 'voice');
  assertOkAck(await a1.ack('call-request', req));
  assertSameJson(await b1.next('call-request'), req);
  assertSameJson(await b2.next('call-request'), req);
  const reject = { callId: req.id, to: a1.userId };
  b2.emit('call-reject', reject);
  assertSameJson(await a1.next('call-reject'), reject, 'call-reject');
  await new Promise((r) => setTimeout(r, 100));
  dropStopRinging(b1, req.id);
  await t.quiet([a1, b1, b2, c1]);
  // Rejected means removed: Bob is free for Carol.
  const next = callRequest(t, c1.userId, b1.userId);
  c1.emit('call-request', next);
  assertSameJson(await b1.next('call-request'), next);
  assertSameJson(await b2.next('call-request'), next);
  await t.quiet([a1, c1]);
});

sc.check('offline_call_failed', async (t) => {
  const u = await setup(t, { alice: ['polling'], bob: ['websocket'] });
  const [a1] = u.alice;
  const [b1] = u.bob;
  const unknown = callRequest(t, a1.userId, t.id('nobody'));
  a1.emit('call-request', unknown);
  assert.deepEqual(await a1.next('call-failed'), { callId: unknown.id, reason: 'offline' });

  b1.close();
  await b1.disconnected();
  let failed;
  for (let i = 0; i < 20 && !failed; i++) { // the disconnect is processed asynchronously on the server
    const req = callRequest(t, a1.userId, b1.userId);
    req.id = `${req.id}-${i}`;
    a1.emit('call-request', req);
    const ev = await a1.nextArgs('call-failed', () => true, 200).catch(() => null);
    if (ev) failed = [ev[0], req];
  }
  assert.ok(failed, 'call-failed for a user that went offline');
  assert.deepEqual(failed[0], { callId: failed[1].id, reason: 'offline' });
  // A request placed before the server saw the disconnect rang, and ended when Bob's last socket went.
  a1.inbox = a1.inbox.filter((e) => !(e.event === 'call-end' && e.args[0] && e.args[0].reason === 'disconnected'));
  await t.quiet([a1]);
});

sc.check('busy_call_failed', async (t) => {
  const u = await setup(t, { alice: ['websocket'], bob: ['upgrade'], carol: ['polling'] });
  const [a1] = u.alice;
  const [b1] = u.bob;
  const [c1] = u.carol;
  const req = callRequest(t, a1.userId, b1.userId);
  a1.emit('call-request', req);
  await b1.next('call-request');
  b1.emit('call-answer', { callId: req.id, to: a1.userId, answer: ANSWER });
  await a1.next('call-answer');

  const carol = callRequest(t, c1.userId, b1.userId);
  carol.id = `${carol.id}-carol`;
  c1.emit('call-request', carol);
  assert.deepEqual(await c1.next('call-failed'), { callId: carol.id, reason: 'busy' });
  await t.quiet([a1, b1, c1]);

  // After call-end Bob is free.
  b1.emit('call-end', { callId: req.id, to: a1.userId });
  await a1.next('call-end');
  const retry = { ...carol, id: `${carol.id}-2` };
  c1.emit('call-request', retry);
  assertSameJson(await b1.next('call-request'), retry);
  await t.quiet([a1, b1, c1]);
});

sc.check('spoofed_from_unauthorized', async (t) => {
  const u = await setup(t, { alice: ['websocket'], bob: ['polling'], mallory: ['upgrade'] });
  const [a1] = u.alice;
  const [b1] = u.bob;
  const [m1] = u.mallory;
  const spoofed = callRequest(t, a1.userId, b1.userId); // from: alice, sent by mallory
  await t.refused(m1, 'call-request', [spoofed], 'unauthorized');
  const anon = await t.client('anonymous', 'websocket');
  await t.refused(anon, 'call-request', [{ ...spoofed, id: `${spoofed.id}-anon` }], 'unauthorized');
  await t.quiet([a1, b1, m1, anon]);
});

sc.check('ice_candidate_shapes_room_or_to', async (t) => {
  // With roomId it is a room relay, with `to` a call relay, with neither bad_request.
  const u = await setup(t, { alice: ['websocket'], bob: ['polling'] });
  const [a1] = u.alice;
  const [b1] = u.bob;
  await t.refused(a1, 'ice-candidate', [{ candidate: CANDIDATE, callId: 'x' }], 'bad_request');
  await t.refused(a1, 'ice-candidate', [{ candidate: CANDIDATE }], 'bad_request');
  await t.quiet([a1, b1]);
  // Both roomId and to: the room relay wins (fromUserId added, room members only).
  const roomId = t.id('room');
  for (const c of [a1, b1]) {
    assertOkAck(await c.ack('join-room', { roomId, userName: c.name }));
    await c.next('room-joined');
  }
  await a1.next('user-joined');
  const both = { roomId, candidate: CANDIDATE, callId: t.id('call'), to: b1.userId };
  assertOkAck(await a1.ack('ice-candidate', both));
  assert.deepEqual(await b1.next('ice-candidate'), { ...both, fromUserId: a1.id });
  await t.quiet([a1, b1]);
});

sc.run();
