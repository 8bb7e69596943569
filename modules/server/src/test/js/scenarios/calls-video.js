'use strict';
// Video calls by user id (seeds 002 and 003; EVENTS.md "Calls by user id", "Who gets what", "Busy"):
// registration, 1:1 calls ringing every device, accept / reject on one device, end reaching both
// users, busy, offline / unknown, anti-spoofing, group calls.
// Node settings: defaults (ring timeout 30 s, far beyond every check here).

const { Scenario, assert, assertShape, assertKeeps, assertOkAck } = require('../lib/harness');
const { register, videoCallData, groupCallData, assertIncoming } = require('../lib/calls');

const sc = new Scenario('calls-video');

/** Opens the devices of users: spec {alice: ['websocket', 'polling'], ...}; every device registered. */
async function users(t, spec, how = ['userOnline', 'user-connected', 'joinVideoRoom']) {
  const out = {};
  let i = 0;
  for (const [user, transports] of Object.entries(spec)) {
    const userId = t.id(user);
    out[user] = [];
    for (let d = 0; d < transports.length; d++) {
      const c = await t.client(`${user}${d + 1}`, transports[d]);
      await register(c, userId, how[i++ % how.length]);
      out[user].push(c);
    }
  }
  return out;
}

sc.check('registration_three_ways_reaches_every_device', async (t) => {
  const alice = t.id('alice');
  const [a1, a2, a3, b] = await t.clientsOf([['alice1', 'websocket'], ['alice2', 'polling'], ['alice3', 'upgrade'], ['bob', 'websocket']]);
  await register(a1, alice, 'userOnline');
  await register(a2, alice, 'user-connected');
  await register(a3, alice, 'joinVideoRoom');
  await register(b, t.id('bob'), 'userOnline');
  // "to user X" reaches every socket of X.
  const msg = { to: alice, text: 'hello', from: t.id('bob') };
  assertOkAck(await b.ack('sendMessage', msg));
  for (const x of [a1, a2, a3]) assert.deepEqual(await x.next('receiveMessage'), msg);
  await t.quiet([a1, a2, a3, b]);
  // leaveVideoRoom undoes it for that socket.
  assertShape(await a3.ack('leaveVideoRoom', { userId: alice }), { ok: true, userId: alice }, {}, 'leaveVideoRoom ack');
  const msg2 = { to: alice, text: 'again' };
  assertOkAck(await b.ack('sendMessage', msg2));
  for (const x of [a1, a2]) assert.deepEqual(await x.next('receiveMessage'), msg2);
  await t.quiet([a1, a2, a3, b]);
});

sc.check('one_to_one_rings_every_device_accept_on_one', async (t) => {
  const u = await users(t, { alice: ['websocket', 'polling'], bob: ['upgrade', 'websocket'] });
  const [a1, a2] = u.alice;
  const [b1, b2] = u.bob;
  const data = videoCallData(t, a1, b1);
  a1.emit('initiateVideoCall', data); // seed-style, no ack
  const in1 = await b1.next('incomingVideoCall');
  const in2 = await b2.next('incomingVideoCall');
  const callId = assertIncoming(in1, data);
  assert.deepEqual(in2, in1, 'both devices ring with the same invitation');
  await t.quiet([a1, a2, b1, b2]);

  // Bob accepts on his first device.
  b1.emit('acceptVideoCall', in1);
  for (const x of [a1, a2]) assert.deepEqual(await x.next('videoCallAccepted'), in1, `${x.name}: videoCallAccepted (callData)`);
  const stop = await b2.next('videoCallEnded');
  assertKeeps(stop, { roomName: data.roomName, callerId: data.callerId, callId }, 'videoCallEnded to the other device');
  await t.quiet([a1, a2, b1, b2]); // the accepting device gets no videoCallEnded

  // Alice ends: every socket of both users, the sender's own included.
  const end = { ...in1 };
  assertOkAck(await a1.ack('endVideoCall', end));
  for (const x of [a1, a2, b1, b2]) assert.deepEqual(await x.next('videoCallEnded'), end, `${x.name}: videoCallEnded`);
  await t.quiet([a1, a2, b1, b2]);
});

sc.check('one_to_one_reject_on_one_device', async (t) => {
  const u = await users(t, { alice: ['polling'], bob: ['websocket', 'upgrade'], carol: ['websocket'] });
  const [a1] = u.alice;
  const [b1, b2] = u.bob;
  const [c1] = u.carol;
  const data = videoCallData(t, a1, b1);
  assertOkAck(await a1.ack('initiateVideoCall', data));
  const in1 = await b1.next('incomingVideoCall');
  assertIncoming(in1, data);
  await b2.next('incomingVideoCall');
  b2.emit('rejectVideoCall', in1);
  assert.deepEqual(await a1.next('videoCallRejected'), in1, 'videoCallRejected (callData)');
  assertKeeps(await b1.next('videoCallEnded'), { roomName: data.roomName, callId: in1.callId }, 'the other device stops ringing');
  await t.quiet([a1, b1, b2, c1]);
  // The rejected call is gone: Bob can be called again.
  const again = videoCallData(t, c1, b1);
  assertOkAck(await c1.ack('initiateVideoCall', again));
  assertIncoming(await b1.next('incomingVideoCall'), again);
  assertIncoming(await b2.next('incomingVideoCall'), again);
  await t.quiet([a1, b1, b2, c1]);
});

sc.check('busy_callee_in_connected_call', async (t) => {
  const u = await users(t, { alice: ['websocket'], bob: ['polling', 'websocket'], carol: ['upgrade'] });
  const [a1] = u.alice;
  const [b1, b2] = u.bob;
  const [c1] = u.carol;
  const data = videoCallData(t, a1, b1);
  a1.emit('initiateVideoCall', data);
  const incoming = await b1.next('incomingVideoCall');
  await b2.next('incomingVideoCall');
  b1.emit('acceptVideoCall', incoming);
  await a1.next('videoCallAccepted');
  await b2.next('videoCallEnded');

  const carolData = videoCallData(t, c1, b1);
  c1.emit('initiateVideoCall', carolData);
  const failed = await c1.next('videoCallFailed');
  assertShape(failed, { ...carolData, message: 'User is busy', reason: 'busy' }, {}, 'videoCallFailed (busy)');
  await t.quiet([a1, b1, b2, c1]); // Bob's devices do not ring

  // Once the call ends Bob is free again.
  assertOkAck(await b1.ack('endVideoCall', incoming));
  for (const x of [a1, b1, b2]) await x.next('videoCallEnded');
  c1.emit('initiateVideoCall', carolData);
  assertIncoming(await b1.next('incomingVideoCall'), carolData);
  assertIncoming(await b2.next('incomingVideoCall'), carolData);
  await t.quiet([a1, b1, b2, c1]);
});

sc.check('offline_and_unknown_receiver_video_call_failed', async (t) => {
  const u = await users(t, { alice: ['websocket'], bob: ['polling'] });
  const [a1] = u.alice;
  const [b1] = u.bob;
  const offline = ['User is offline', 'User not found'];

  // Never seen.
  const unknown = { ...videoCallData(t, a1, b1), receiverId: t.id('nobody'), receiverName: 'Nobody' };
  a1.emit('initiateVideoCall', unknown);
  const f1 = await a1.next('videoCallFailed');
  assert.ok(offline.includes(f1.message), `message: ${f1.message}`);
  assertShape(f1, { ...unknown, message: f1.message }, { reason: undefined, callId: undefined }, 'videoCallFailed (unknown)');

  // Was online, is gone.
  b1.close();
  await b1.disconnected();
  const gone = videoCallData(t, a1, b1);
  let f2;
  for (let i = 0; i < 20; i++) { // the disconnect is processed asynchronously on the server
    a1.emit('initiateVideoCall', gone);
    const ev = await a1.nextArgs('videoCallFailed', () => true, 200).catch(() => null);
    if (ev) { f2 = ev[0]; break; }
  }
  assert.ok(f2, 'videoCallFailed for a user that went offline');
  assert.ok(offline.includes(f2.message), `message: ${f2.message}`);
  assertShape(f2, { ...gone, message: f2.message }, { reason: undefined, callId: undefined }, 'videoCallFailed (offline)');
  // A call placed before the server saw the disconnect rang, and ended when Bob's last socket went.
  a1.inbox = a1.inbox.filter((e) => !(e.event === 'videoCallEnded' && e.args[0] && e.args[0].reason === 'disconnected'));
  await t.quiet([a1]);
});

sc.check('spoofed_caller_unauthorized_call_attempt', async (t) => {
  const u = await users(t, { alice: ['websocket'], bob: ['polling'], mallory: ['upgrade'] });
  const [a1] = u.alice;
  const [b1] = u.bob;
  const [m1] = u.mallory;
  const spoofed = videoCallData(t, a1, b1); // callerId: alice, sent by mallory
  await t.refused(m1, 'initiateVideoCall', [spoofed], 'unauthorized', 'Unauthorized call attempt');
  await t.refusedNoAck(m1, 'initiateVideoCall', [spoofed], 'unauthorized', 'Unauthorized call attempt');
  // A socket that never registered cannot call as anyone either.
  const anon = await t.client('anonymous', 'websocket');
  await t.refused(anon, 'initiateVideoCall', [spoofed], 'unauthorized', 'Unauthorized call attempt');
  // Group calls too.
  await t.refused(m1, 'initiateGroupVideoCall', [groupCallData(t, a1, t.id('group'))], 'unauthorized', 'Unauthorized call attempt');
  await t.quiet([a1, b1, m1, anon]); // nobody rings
  // Bob is not "in a call": a real call from Alice rings.
  const real = videoCallData(t, a1, b1);
  assertOkAck(await a1.ack('initiateVideoCall', real));
  assertIncoming(await b1.next('incomingVideoCall'), real);
});

sc.check('group_call_rings_group_minus_caller_and_left_sockets', async (t) => {
  const u = await users(t, { alice: ['websocket', 'polling'], bob: ['upgrade', 'websocket'], carol: ['polling'], dave: ['websocket'] });
  const [a1, a2] = u.alice;
  const [b1, b2] = u.bob;
  const [c1] = u.carol;
  const [d1] = u.dave;
  const groupId = t.id('group');
  assertShape(await a1.ack('groupCreated', { groupId, memberIds: [a1.userId, b1.userId, c1.userId] }), { ok: true, groupId }, {}, 'groupCreated ack');
  assertShape(await b2.ack('leaveGroup', groupId), { ok: true, groupId }, {}, 'leaveGroup ack');

  const data = groupCallData(t, a1, groupId);
  a1.emit('initiateGroupVideoCall', data);
  const ib = await b1.next('incomingVideoCall');
  const callId = assertIncoming(ib, data);
  assert.deepEqual(await c1.next('incomingVideoCall'), ib);
  // Not the caller's own sockets, not the socket that left the group, not a non-member.
  await t.quiet([a1, a2, b1, b2, c1, d1]);

  // Carol accepts: the caller hears it.
  c1.emit('acceptVideoCall', ib);
  for (const x of [a1, a2]) assert.deepEqual(await x.next('videoCallAccepted'), ib);
  await t.quiet([a1, a2, b1, b2, c1, d1]);

  // Ending a group call: the group room minus the sender.
  const end = { ...ib };
  assertOkAck(await c1.ack('endVideoCall', end));
  for (const x of [a1, a2, b1]) assert.deepEqual(await x.next('videoCallEnded'), end, `${x.name}: videoCallEnded`);
  await t.quiet([a1, a2, b1, b2, c1, d1]);
  return { callId };
});

sc.check('busy_across_call_families', async (t) => {
  // "A callee already in a connected call is reported busy": a seed-004 call answered makes the
  // callee busy for a seed-002 caller, and the reverse.
  const u = await users(t, { alice: ['websocket'], bob: ['polling'], carol: ['upgrade'], dave: ['websocket'] });
  const [a1] = u.alice;
  const [b1] = u.bob;
  const [c1] = u.carol;
  const [d1] = u.dave;
  const req = { id: t.id('webrtc'), from: a1.userId, to: b1.userId, type: 'voice', offer: { type: 'offer', sdp: 'v=0\r\n' }, timestamp: Date.now() };
  a1.emit('call-request', req);
  await b1.next('call-request');
  b1.emit('call-answer', { callId: req.id, to: a1.userId, answer: { type: 'answer', sdp: 'v=0\r\n' } });
  await a1.next('call-answer');
  const data = videoCallData(t, c1, b1);
  c1.emit('initiateVideoCall', data);
  assertShape(await c1.next('videoCallFailed'), { ...data, message: 'User is busy', reason: 'busy' }, {}, 'videoCallFailed (busy)');
  await t.quiet([a1, b1, c1, d1]);

  const vd = videoCallData(t, c1, d1);
  c1.emit('initiateVideoCall', vd);
  const incoming = await d1.next('incomingVideoCall');
  d1.emit('acceptVideoCall', incoming);
  await c1.next('videoCallAccepted');
  const req2 = { id: t.id('webrtc2'), from: a1.userId, to: d1.userId, type: 'video', offer: { type: 'offer', sdp: 'v=0\r\n' }, timestamp: Date.now() };
  a1.emit('call-request', req2);
  assert.deepEqual(await a1.next('call-failed'), { callId: req2.id, reason: 'busy' });
  await t.quiet([a1, b1, c1, d1]);
});

sc.run();
