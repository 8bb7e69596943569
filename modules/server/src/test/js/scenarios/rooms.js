'use strict';
// Mesh rooms (seed 000, EVENTS.md "Rooms: mesh relay"): join-room / leave-room / disconnect, every
// relay targeted and broadcast, the sender's fields kept and fromUserId/userId/roomId added, and
// relays from (or to) sockets outside the room refused with not_member and received by nobody.
// Node settings: defaults (SWITCHBOARD_ROOM_MAX_SIZE 8).

const { Scenario, assert, assertOkAck } = require('../lib/harness');

const sc = new Scenario('rooms');
const SDP_OFFER = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const SDP_ANSWER = SDP_OFFER.replace('4611731400430051336', '9999');
const CANDIDATE = { candidate: 'candidate:842163049 1 udp 1677729535 192.0.2.1 3478 typ srflx raddr 0.0.0.0 rport 0', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };

/** Three sockets (one per transport) in one room, each join's user-joined taken. */
async function roomOfThree(t) {
  const roomId = t.id('room');
  const [a, b, c] = await t.clientsOf([['ann', 'websocket'], ['ben', 'polling'], ['cat', 'upgrade']]);
  for (const [x, name, before] of [[a, 'Ann', []], [b, 'Ben', [a]], [c, 'Cat', [a, b]]]) {
    assertOkAck(await x.ack('join-room', { roomId, userName: name }));
    await x.next('room-joined');
    for (const y of before) await y.next('user-joined', (u) => u.userId === x.id);
  }
  return { roomId, a, b, c };
}

sc.check('join_room_payloads', async (t) => {
  const roomId = t.id('room');
  const [a, b] = await t.clientsOf([['ann', 'websocket'], ['ben', 'polling']]);
  a.emit('join-room', { roomId, userName: 'Ann' }); // seed-style, no ack
  assert.deepEqual(await a.next('room-joined'), { roomId, participants: [] });
  b.emit('join-room', { roomId, userName: 'Ben' });
  assert.deepEqual(await b.next('room-joined'), { roomId, participants: [{ userId: a.id, userName: 'Ann' }] });
  assert.deepEqual(await a.next('user-joined'), { roomId, userId: b.id, userName: 'Ben' });
  await t.quiet([a, b]);
});

sc.check('join_room_idempotent_not_counted_twice', async (t) => {
  const { roomId, a, b, c } = await roomOfThree(t);
  // Ben joins again, several times (seed 000's repeated JOIN_ROOM): success each time, nobody told again.
  for (let i = 0; i < 3; i++) {
    assertOkAck(await b.ack('join-room', { roomId, userName: 'Ben' }));
    assert.deepEqual(await b.next('room-joined'), { roomId, participants: [{ userId: a.id, userName: 'Ann' }, { userId: c.id, userName: 'Cat' }] });
  }
  await t.quiet([a, b, c]);
  // Counted once: a fourth socket sees three members, each once.
  const d = await t.client('dan', 'websocket');
  assertOkAck(await d.ack('join-room', { roomId, userName: 'Dan' }));
  const rj = await d.next('room-joined');
  assert.deepEqual(rj, { roomId, participants: [{ userId: a.id, userName: 'Ann' }, { userId: b.id, userName: 'Ben' }, { userId: c.id, userName: 'Cat' }] });
  for (const x of [a, b, c]) assert.deepEqual(await x.next('user-joined'), { roomId, userId: d.id, userName: 'Dan' });
  await t.quiet([a, b, c, d]);
});

sc.check('offer_broadcast_and_targeted', async (t) => {
  const { roomId, a, b, c } = await roomOfThree(t);
  const broadcast = { roomId, offer: { type: 'offer', sdp: SDP_OFFER }, seq: 1, meta: { codec: 'opus', list: [1, 'x', null] } };
  a.emit('offer', broadcast); // seed-style, no ack
  for (const x of [b, c]) assert.deepEqual(await x.next('offer'), { ...broadcast, fromUserId: a.id, roomId });
  await t.quiet([a, b, c]);
  const targeted = { roomId, offer: { type: 'offer', sdp: SDP_OFFER }, targetUserId: c.id };
  assertOkAck(await a.ack('offer', targeted));
  assert.deepEqual(await c.next('offer'), { ...targeted, fromUserId: a.id, roomId });
  await t.quiet([a, b, c]);
});

sc.check('answer_to_target_only', async (t) => {
  const { roomId, a, b, c } = await roomOfThree(t);
  const answer = { roomId, answer: { type: 'answer', sdp: SDP_ANSWER }, targetUserId: a.id };
  b.emit('answer', answer);
  assert.deepEqual(await a.next('answer'), { ...answer, fromUserId: b.id, roomId });
  await t.quiet([a, b, c]);
});

sc.check('ice_candidate_broadcast_and_targeted', async (t) => {
  const { roomId, a, b, c } = await roomOfThree(t);
  const broadcast = { roomId, candidate: CANDIDATE };
  assertOkAck(await c.ack('ice-candidate', broadcast));
  for (const x of [a, b]) assert.deepEqual(await x.next('ice-candidate'), { ...broadcast, fromUserId: c.id });
  await t.quiet([a, b, c]);
  const targeted = { roomId, candidate: CANDIDATE, targetUserId: b.id };
  c.emit('ice-candidate', targeted);
  assert.deepEqual(await b.next('ice-candidate'), { ...targeted, fromUserId: c.id });
  // End of candidates (null) is a valid candidate.
  const endOfCandidates = { roomId, candidate: null, targetUserId: b.id };
  assertOkAck(await c.ack('ice-candidate', endOfCandidates));
  assert.deepEqual(await b.next('ice-candidate'), { ...endOfCandidates, fromUserId: c.id });
  await t.quiet([a, b, c]);
});

sc.check('media_state_relays', async (t) => {
  const { roomId, a, b, c } = await roomOfThree(t);
  const change = { roomId, mediaState: { audio: false, video: true } };
  a.emit('media-state-change', change);
  for (const x of [b, c]) assert.deepEqual(await x.next('media-state-change'), { userId: a.id, mediaState: change.mediaState, roomId });
  await t.quiet([a, b, c]);
  const targetedChange = { roomId, mediaState: { screen: true }, targetUserId: b.id };
  assertOkAck(await a.ack('media-state-change', targetedChange));
  assert.deepEqual(await b.next('media-state-change'), { ...targetedChange, userId: a.id });
  await t.quiet([a, b, c]);

  b.emit('request-media-state', { roomId });
  for (const x of [a, c]) assert.deepEqual(await x.next('request-media-state'), { roomId, userId: b.id });
  await t.quiet([a, b, c]);

  const response = { roomId, mediaState: { audio: true, video: false, screen: false }, targetUserId: b.id };
  a.emit('media-state-response', response);
  assert.deepEqual(await b.next('media-state-response'), { ...response, userId: a.id });
  await t.quiet([a, b, c]);
  const broadcastResponse = { roomId, mediaState: { audio: false } };
  assertOkAck(await c.ack('media-state-response', broadcastResponse));
  for (const x of [a, b]) assert.deepEqual(await x.next('media-state-response'), { ...broadcastResponse, userId: c.id });
  await t.quiet([a, b, c]);
});

sc.check('relay_from_outside_the_room_not_member', async (t) => {
  const { roomId, a, b, c } = await roomOfThree(t);
  const outsider = await t.client('outsider', 'polling');
  const all = [a, b, c, outsider];
  const offer = { type: 'offer', sdp: SDP_OFFER };
  await t.refused(outsider, 'offer', [{ roomId, offer }], 'not_member');
  await t.refused(outsider, 'offer', [{ roomId, offer, targetUserId: a.id }], 'not_member');
  await t.refused(outsider, 'answer', [{ roomId, answer: { type: 'answer', sdp: SDP_ANSWER }, targetUserId: a.id }], 'not_member');
  await t.refused(outsider, 'ice-candidate', [{ roomId, candidate: CANDIDATE }], 'not_member');
  await t.refused(outsider, 'media-state-change', [{ roomId, mediaState: { audio: false } }], 'not_member');
  await t.refused(outsider, 'request-media-state', [{ roomId }], 'not_member');
  await t.refused(outsider, 'media-state-response', [{ roomId, mediaState: { audio: false }, targetUserId: b.id }], 'not_member');
  await t.refused(outsider, 'leave-room', [{ roomId }], 'not_member');
  // Seed-style (no ack): the error event alone.
  await t.refusedNoAck(outsider, 'offer', [{ roomId, offer }], 'not_member');
  await t.quiet(all);
  // A member targeting a socket outside the room: refused, and the outsider gets nothing.
  await t.refused(a, 'offer', [{ roomId, offer, targetUserId: outsider.id }], 'not_member');
  await t.refused(a, 'answer', [{ roomId, answer: { type: 'answer', sdp: SDP_ANSWER }, targetUserId: 'no-such-socket' }], 'not_member');
  // A room that does not exist at all.
  await t.refused(a, 'offer', [{ roomId: t.id('no-such-room'), offer }], 'not_member');
  await t.quiet(all);
});

sc.check('leave_room_and_disconnect_user_left', async (t) => {
  const { roomId, a, b, c } = await roomOfThree(t);
  assertOkAck(await c.ack('leave-room', { roomId }));
  for (const x of [a, b]) assert.deepEqual(await x.next('user-left'), { roomId, userId: c.id });
  await t.quiet([a, b, c]);
  // Gone: its relays are refused and relays no longer reach it.
  await t.refused(c, 'offer', [{ roomId, offer: { type: 'offer', sdp: SDP_OFFER } }], 'not_member');
  assertOkAck(await a.ack('offer', { roomId, offer: { type: 'offer', sdp: SDP_OFFER } }));
  await b.next('offer');
  await t.quiet([a, b, c]);

  const bid = b.id;
  b.close();
  assert.deepEqual(await a.next('user-left'), { roomId, userId: bid });
  await t.quiet([a, c]);
  const d = await t.client('dan', 'websocket');
  assertOkAck(await d.ack('join-room', { roomId, userName: 'Dan' }));
  assert.deepEqual(await d.next('room-joined'), { roomId, participants: [{ userId: a.id, userName: 'Ann' }] });
  await a.next('user-joined');
});

sc.check('rooms_are_separate', async (t) => {
  const r1 = t.id('r1');
  const r2 = t.id('r2');
  const [a, b, c] = await t.clientsOf([['ann', 'upgrade'], ['ben', 'websocket'], ['cat', 'polling']]);
  // Ann is in both rooms, Ben only in r1, Cat only in r2.
  for (const [x, r] of [[a, r1], [a, r2], [b, r1], [c, r2]]) {
    assertOkAck(await x.ack('join-room', { roomId: r, userName: x.name }));
    await x.next('room-joined');
  }
  await a.next('user-joined', (u) => u.userId === b.id);
  await a.next('user-joined', (u) => u.userId === c.id);
  assertOkAck(await a.ack('offer', { roomId: r2, offer: { type: 'offer', sdp: SDP_OFFER } }));
  assert.equal((await c.next('offer')).roomId, r2);
  await t.quiet([a, b, c]);
  // Ben cannot reach Cat through r1 (Cat is not in r1).
  await t.refused(b, 'offer', [{ roomId: r1, offer: { type: 'offer', sdp: SDP_OFFER }, targetUserId: c.id }], 'not_member');
  await t.quiet([a, b, c]);
});

sc.check('large_sdp_under_the_cap_relayed_intact', async (t) => {
  const { roomId, a, b, c } = await roomOfThree(t);
  let sdp = 'v=0\r\n';
  for (let i = 0; sdp.length < 60000; i++) sdp += `a=candidate:${i} 1 udp 2122260223 10.0.${i % 250}.${i % 200} ${40000 + i} typ host\r\n`;
  const offer = { roomId, offer: { type: 'offer', sdp } };
  assertOkAck(await b.ack('offer', offer)); // from the polling client
  for (const x of [a, c]) assert.deepEqual(await x.next('offer'), { ...offer, fromUserId: b.id });
  assertOkAck(await a.ack('offer', { ...offer, targetUserId: b.id })); // to the polling client
  assert.deepEqual(await b.next('offer'), { ...offer, targetUserId: b.id, fromUserId: a.id });
  await t.quiet([a, b, c]);
  return { sdpLength: sdp.length };
});

sc.check('relays_arrive_in_order', async (t) => {
  // A burst of ICE candidates (as browsers trickle them) reaches each peer in the order sent,
  // over websocket, polling and upgraded connections alike.
  const { roomId, a, b, c } = await roomOfThree(t);
  const n = 100;
  for (let i = 0; i < n; i++) a.emit('ice-candidate', { roomId, candidate: { ...CANDIDATE, sdpMLineIndex: i }, seq: i });
  for (const x of [b, c]) {
    for (let i = 0; i < n; i++) {
      const got = await x.next('ice-candidate');
      assert.equal(got.seq, i, `${x.name}: candidate ${i} in order`);
    }
  }
  await t.quiet([a, b, c]);
});

sc.run();
