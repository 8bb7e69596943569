'use strict';
// Room capacity (seed 000's "Room is full" bug, EVENTS.md "Rooms"): a socket joining again is not
// counted twice, the third socket of a room for two gets "Room is full", leaving or disconnecting
// frees the place.
// A meeting's room is under the meeting's capacity, not the room default.
// Node settings: SWITCHBOARD_ROOM_MAX_SIZE=2, SWITCHBOARD_MEETINGS_AUTO_CREATE=true.

const crypto = require('node:crypto');
const { Scenario, assert, assertOkAck } = require('../lib/harness');
const { joinAll } = require('../lib/meetings');

const sc = new Scenario('rooms-capacity');

sc.check('seed000_rejoin_is_not_room_full', async (t) => {
  // The seed's log: the second user joins, then sends JOIN_ROOM again and got "Room is full".
  const roomId = t.id('zfhym');
  const [a, b] = await t.clientsOf([['first', 'websocket'], ['second', 'polling']]);
  a.emit('join-room', { roomId, userName: 'First' });
  assert.deepEqual(await a.next('room-joined'), { roomId, participants: [] });
  b.emit('join-room', { roomId, userName: 'Second' });
  assert.deepEqual(await b.next('room-joined'), { roomId, participants: [{ userId: a.id, userName: 'First' }] });
  await a.next('user-joined');
  for (let i = 0; i < 3; i++) {
    b.emit('join-room', { roomId, userName: 'Second' });
    assert.deepEqual(await b.next('room-joined'), { roomId, participants: [{ userId: a.id, userName: 'First' }] }, `rejoin ${i + 1}`);
    a.emit('join-room', { roomId, userName: 'First' });
    assert.deepEqual(await a.next('room-joined'), { roomId, participants: [{ userId: b.id, userName: 'Second' }] }, `first rejoins ${i + 1}`);
  }
  await t.quiet([a, b]); // no "Room is full", no second user-joined
  // Both still relay to each other.
  assertOkAck(await b.ack('offer', { roomId, offer: { type: 'offer', sdp: 'v=0\r\n' } }));
  assert.deepEqual(await a.next('offer'), { roomId, offer: { type: 'offer', sdp: 'v=0\r\n' }, fromUserId: b.id });
});

sc.check('third_socket_room_full', async (t) => {
  const roomId = t.id('room');
  const [a, b, c] = await t.clientsOf([['a', 'upgrade'], ['b', 'websocket'], ['c', 'polling']]);
  assertOkAck(await a.ack('join-room', { roomId, userName: 'A' }));
  assertOkAck(await b.ack('join-room', { roomId, userName: 'B' }));
  for (const x of [a, b]) x.drain('room-joined');
  await a.next('user-joined');
  await t.refused(c, 'join-room', [{ roomId, userName: 'C' }], 'room_full', 'Room is full');
  await t.refusedNoAck(c, 'join-room', [{ roomId, userName: 'C' }], 'room_full', 'Room is full');
  await t.quiet([a, b, c]);
  // The refused socket is not in the room.
  await t.refused(c, 'offer', [{ roomId, offer: { type: 'offer', sdp: 'v=0\r\n' } }], 'not_member');
  await t.quiet([a, b, c]);

  // Leaving frees the place.
  assertOkAck(await b.ack('leave-room', { roomId }));
  assert.deepEqual(await a.next('user-left'), { roomId, userId: b.id });
  assertOkAck(await c.ack('join-room', { roomId, userName: 'C' }));
  assert.deepEqual(await c.next('room-joined'), { roomId, participants: [{ userId: a.id, userName: 'A' }] });
  assert.deepEqual(await a.next('user-joined'), { roomId, userId: c.id, userName: 'C' });
  await t.refused(b, 'join-room', [{ roomId, userName: 'B' }], 'room_full', 'Room is full');
  await t.quiet([a, b, c]);

  // So does a disconnect.
  const aid = a.id;
  a.close();
  assert.deepEqual(await c.next('user-left'), { roomId, userId: aid });
  assertOkAck(await b.ack('join-room', { roomId, userName: 'B' }));
  assert.deepEqual(await b.next('room-joined'), { roomId, participants: [{ userId: c.id, userName: 'C' }] });
  await c.next('user-joined');
  await t.quiet([b, c]);
});

sc.check('killed_connection_frees_the_place', async (t) => {
  const roomId = t.id('room');
  const [a, b, c] = await t.clientsOf([['a', 'websocket'], ['b', 'polling'], ['c', 'upgrade']]);
  assertOkAck(await a.ack('join-room', { roomId, userName: 'A' }));
  assertOkAck(await b.ack('join-room', { roomId, userName: 'B' }));
  for (const x of [a, b]) x.drain('room-joined');
  await a.next('user-joined');
  const aid = a.id;
  a.killTransport(); // no goodbye: the server notices the closed TCP connection
  assert.deepEqual(await b.next('user-left', undefined, 10000), { roomId, userId: aid });
  assertOkAck(await c.ack('join-room', { roomId, userName: 'C' }));
  assert.deepEqual(await c.next('room-joined'), { roomId, participants: [{ userId: b.id, userName: 'B' }] });
  await b.next('user-joined');
  await t.quiet([b, c]);
});

sc.check('meeting_room_uses_meeting_capacity', async (t) => {
  // Three participants in a meeting on a node whose mesh rooms hold two: the meeting's id is a
  // room under the meeting's capacity; join-room there is an idempotent success and relays work.
  const m = crypto.randomUUID();
  const [a, b, c] = await t.clientsOf([['a', 'websocket'], ['b', 'polling'], ['c', 'upgrade']]);
  await joinAll(m, [[a, t.id('a'), 'A'], [b, t.id('b'), 'B'], [c, t.id('c'), 'C']]);
  for (const x of [a, b, c]) {
    assertOkAck(await x.ack('join-room', { roomId: m, userName: x.name }), undefined, `${x.name} join-room on the meeting id`);
    const rj = await x.next('room-joined');
    assert.equal(rj.participants.length, 2, 'the two other participants');
  }
  await t.quiet([a, b, c]);
  const offer = { roomId: m, offer: { type: 'offer', sdp: 'v=0\r\n' } };
  assertOkAck(await c.ack('offer', offer));
  for (const x of [a, b]) assert.deepEqual(await x.next('offer'), { ...offer, fromUserId: c.id });
  await t.quiet([a, b, c]);
});

sc.run();
