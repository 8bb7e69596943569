'use strict';
// Ring timeout (EVENTS.md "Calls by user id": "A call that rings unanswered past the configured
// timeout ends for both sides (videoCallEnded / call-end with reason:"timeout")"; "Ring timeout
// applies to 1:1 calls").
// Node settings: SWITCHBOARD_RING_TIMEOUT_MS=500.

const { Scenario, assert, assertShape, assertKeeps, assertOkAck } = require('../lib/harness');
const { register, videoCallData, groupCallData, assertIncoming, callRequest } = require('../lib/calls');

const sc = new Scenario('calls-ring-timeout');
const RING_MS = Number(process.env.RING_TIMEOUT_MS || 500);
const ANSWER = { type: 'answer', sdp: 'v=0\r\n' };

async function user(t, name, transports, how = 'userOnline') {
  const devices = [];
  for (let d = 0; d < transports.length; d++) {
    const c = await t.client(`${name}${d + 1}`, transports[d]);
    await register(c, t.id(name), how);
    devices.push(c);
  }
  return devices;
}

sc.check('unanswered_video_call_ends_for_both_sides', async (t) => {
  const [a1, a2] = await user(t, 'alice', ['websocket', 'polling']);
  const [b1, b2] = await user(t, 'bob', ['upgrade', 'websocket']);
  const data = videoCallData(t, a1, b1);
  const started = Date.now();
  a1.emit('initiateVideoCall', data);
  const callId = assertIncoming(await b1.next('incomingVideoCall'), data);
  await b2.next('incomingVideoCall');
  for (const x of [a1, a2, b1, b2]) {
    const ended = await x.next('videoCallEnded', undefined, RING_MS + 5000);
    assertKeeps(ended, { roomName: data.roomName, callerId: data.callerId, callId, reason: 'timeout' }, `${x.name}: videoCallEnded`);
  }
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= RING_MS - 50, `ended after ${elapsed} ms, not before the ${RING_MS} ms timeout`);
  await t.quiet([a1, a2, b1, b2]);
  // The timed-out call is gone: Bob can be called again.
  a1.emit('initiateVideoCall', data);
  assertIncoming(await b1.next('incomingVideoCall'), data);
  await b2.next('incomingVideoCall');
  return { endedAfterMs: elapsed };
});

sc.check('unanswered_call_request_ends_with_call_end_timeout', async (t) => {
  const [a1] = await user(t, 'alice', ['polling'], 'user-connected');
  const [b1, b2] = await user(t, 'bob', ['websocket', 'upgrade'], 'user-connected');
  const req = callRequest(t, a1.userId, b1.userId);
  a1.emit('call-request', req);
  await b1.next('call-request');
  await b2.next('call-request');
  for (const x of [a1, b1, b2]) {
    assertShape(await x.next('call-end', undefined, RING_MS + 5000), { callId: req.id, reason: 'timeout' }, { to: undefined }, `${x.name}: call-end`);
  }
  await t.quiet([a1, b1, b2]);
});

sc.check('answered_calls_do_not_time_out', async (t) => {
  const [a1] = await user(t, 'alice', ['websocket']);
  const [b1, b2] = await user(t, 'bob', ['websocket', 'polling']);
  const data = videoCallData(t, a1, b1);
  a1.emit('initiateVideoCall', data);
  const incoming = await b1.next('incomingVideoCall');
  await b2.next('incomingVideoCall');
  b1.emit('acceptVideoCall', incoming);
  await a1.next('videoCallAccepted');
  await b2.next('videoCallEnded'); // the other device stops ringing
  await t.quiet([a1, b1, b2], { ms: RING_MS * 2 + 300 }); // no timeout for an accepted call

  const [c1] = await user(t, 'carol', ['upgrade'], 'user-connected');
  const [d1] = await user(t, 'dave', ['websocket'], 'user-connected');
  const req = callRequest(t, c1.userId, d1.userId);
  c1.emit('call-request', req);
  await d1.next('call-request');
  d1.emit('call-answer', { callId: req.id, to: c1.userId, answer: ANSWER });
  await c1.next('call-answer');
  await t.quiet([c1, d1], { ms: RING_MS * 2 + 300 });
  assertOkAck(await a1.ack('endVideoCall', incoming));
});

sc.check('group_calls_do_not_time_out', async (t) => {
  const [a1] = await user(t, 'alice', ['websocket']);
  const [b1] = await user(t, 'bob', ['polling']);
  const groupId = t.id('group');
  assertOkAck(await a1.ack('groupCreated', { groupId, memberIds: [a1.userId, b1.userId] }));
  const data = groupCallData(t, a1, groupId);
  a1.emit('initiateGroupVideoCall', data);
  assertIncoming(await b1.next('incomingVideoCall'), data);
  await t.quiet([a1, b1], { ms: RING_MS * 2 + 300 });
});

sc.run();
