'use strict';
// Meetings (seed 001 and EVENTS.md "Meetings", "Precise rules"): media state stored and merged,
// permissions, second devices, double joins, kick and end by the creator only, leave/disconnect
// reasons, relays inside a meeting.
// Node settings: SWITCHBOARD_MEETINGS_AUTO_CREATE=true (the first joiner of an unknown id creates
// it and is its creator).

const crypto = require('node:crypto');
const { Scenario, assert, assertShape, assertOkAck } = require('../lib/harness');
const { participantView, joinedView, assertMeetingJoined, join, joinAck, joinAll, assertLeft } = require('../lib/meetings');

const sc = new Scenario('meetings');
const SDP = 'v=0\r\no=- 46117317 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

function newMeeting() {
  return crypto.randomUUID();
}

sc.check('media_state_change_stored_for_late_joiner_and_relayed', async (t) => {
  const m = newMeeting();
  const [a, b] = await t.clientsOf([['a', 'websocket'], ['b', 'polling']]);
  const ja = await join(a, m, t.id('ua'), 'Ann');
  const jb = await join(b, m, t.id('ub'), 'Ben');
  await a.next('participant-joined');

  const sent = { meetingId: m, mediaState: { video: false } };
  a.emit('media-state-change', sent);
  const got = await b.next('media-state-change');
  assert.deepEqual(got, { ...sent, userId: a.id, roomId: m }, 'relay keeps the sent fields, adds userId and roomId');
  await t.quiet([a, b]);

  const c = await t.client('late', 'upgrade');
  const jc = await join(c, m, t.id('uc'), 'Cat');
  assertMeetingJoined(jc, {
    meetingId: m, creatorId: t.id('ua'),
    participants: [
      participantView(a, ja.participantId, t.id('ua'), 'Ann', { audio: true, video: false, screen: false }),
      participantView(b, jb.participantId, t.id('ub'), 'Ben'),
    ],
  });
});

sc.check('media_state_change_merges_partial_states', async (t) => {
  const m = newMeeting();
  const [a, b] = await t.clientsOf([['a', 'polling'], ['b', 'websocket']]);
  const [ja] = await joinAll(m, [[a, t.id('ua'), 'Ann'], [b, t.id('ub'), 'Ben']]);

  // Each change acked, so the next late joiner reads a settled state.
  const steps = [
    [{ meetingId: m, mediaState: { video: false } }, { audio: true, video: false, screen: false }],
    [{ meetingId: m, mediaState: { audio: false } }, { audio: false, video: false, screen: false }],
    // seed 000's field name: roomId carrying the meeting id stores the state as well
    [{ roomId: m, mediaState: { screen: true } }, { audio: false, video: false, screen: true }],
    [{ meetingId: m, mediaState: { video: true, screen: false } }, { audio: false, video: true, screen: false }],
    [{ meetingId: m, mediaState: {} }, { audio: false, video: true, screen: false }],
  ];
  for (const [sent, expectedState] of steps) {
    assertOkAck(await a.ack('media-state-change', sent), undefined, `media-state-change ${JSON.stringify(sent.mediaState)}`);
    const got = await b.next('media-state-change');
    assert.deepEqual(got, { ...sent, userId: a.id, roomId: m });
    const late = await t.client(`late-${Object.keys(sent.mediaState).join('') || 'none'}`, 'websocket');
    const jl = await join(late, m, t.id('ul'), 'Late');
    assert.deepEqual(jl.participants[0], participantView(a, ja.participantId, t.id('ua'), 'Ann', expectedState),
      `state after ${JSON.stringify(sent.mediaState)}`);
    late.close();
    await b.next('participant-joined');
    await b.next('participant-left');
    await a.next('participant-joined');
    await a.next('participant-left');
  }
  await t.quiet([a, b]);
});

sc.check('media_state_change_targeted_reaches_only_target', async (t) => {
  const m = newMeeting();
  const [a, b, c] = await t.clientsOf([['a', 'upgrade'], ['b', 'polling'], ['c', 'websocket']]);
  const [, jb] = await joinAll(m, [[a, t.id('ua'), 'Ann'], [b, t.id('ub'), 'Ben'], [c, t.id('uc'), 'Cat']]);
  const sent = { meetingId: m, mediaState: { audio: false }, targetUserId: c.id };
  assertOkAck(await b.ack('media-state-change', sent));
  assert.deepEqual(await c.next('media-state-change'), { ...sent, userId: b.id, roomId: m });
  await t.quiet([a, b, c]);
  const late = await t.client('late', 'polling');
  const jl = await join(late, m, t.id('ul'), 'Late');
  assert.deepEqual(jl.participants[1], participantView(b, jb.participantId, t.id('ub'), 'Ben', { audio: false, video: true, screen: false }),
    'a targeted change is stored as well');
});

sc.check('can_record_only_for_creator_and_second_device_is_second_participant', async (t) => {
  const m = newMeeting();
  const [a1, b, a2] = await t.clientsOf([['alice-laptop', 'websocket'], ['bob', 'polling'], ['alice-phone', 'upgrade']]);
  const alice = t.id('alice');
  const ja1 = await join(a1, m, alice, 'Alice'); // creates the meeting: Alice is its creator
  const jb = await join(b, m, t.id('bob'), 'Bob');
  assert.deepEqual(await a1.next('participant-joined'), joinedView(b, jb.participantId, t.id('bob'), 'Bob', false), 'Bob: no canRecord');
  const ja2 = await join(a2, m, alice, 'Alice');
  assertMeetingJoined(ja2, {
    meetingId: m, creatorId: alice,
    participants: [participantView(a1, ja1.participantId, alice, 'Alice'), participantView(b, jb.participantId, t.id('bob'), 'Bob')],
  });
  assert.notEqual(ja2.participantId, ja1.participantId, 'a second device is a second participant');
  const expected = joinedView(a2, ja2.participantId, alice, 'Alice', true);
  assert.deepEqual(await b.next('participant-joined'), expected, 'the creator joining: canRecord true');
  assert.deepEqual(await a1.next('participant-joined'), expected, 'the creator\'s other device sees it too');
  await t.quiet([a1, b, a2]);
});

sc.check('same_socket_joining_twice_is_one_participant', async (t) => {
  const m = newMeeting();
  const [a, b] = await t.clientsOf([['a', 'websocket'], ['b', 'polling']]);
  const ja = await joinAck(a, m, t.id('ua'), 'Ann');
  const jb = await joinAck(b, m, t.id('ub'), 'Ben');
  await a.next('participant-joined');
  const again = await joinAck(b, m, t.id('ub'), 'Ben');
  assertMeetingJoined(again, {
    meetingId: m, creatorId: t.id('ua'), participants: [participantView(a, ja.participantId, t.id('ua'), 'Ann')],
  });
  assert.equal(again.participantId, jb.participantId, 'the same participantId on the second join');
  await t.quiet([a, b]); // no second participant-joined
  const late = await t.client('late', 'upgrade');
  const jl = await join(late, m, t.id('ul'), 'Late');
  assert.deepEqual(jl.participants, [
    participantView(a, ja.participantId, t.id('ua'), 'Ann'),
    participantView(b, jb.participantId, t.id('ub'), 'Ben'),
  ], 'one entry for the double joiner');
});

sc.check('kick_by_creator_only', async (t) => {
  const m = newMeeting();
  const [a, b, c] = await t.clientsOf([['creator', 'websocket'], ['bob', 'polling'], ['carl', 'upgrade']]);
  const [ja, jb, jc] = await joinAll(m, [[a, t.id('creator'), 'Creator'], [b, t.id('bob'), 'Bob'], [c, t.id('carl'), 'Carl']]);

  // A non-creator may not kick: unauthorized, nothing changes, nobody else notices.
  await t.refused(b, 'kick-participant', [{ meetingId: m, participantId: jc.participantId }], 'unauthorized');
  await t.quiet([a, b, c]);
  const probe = await t.client('probe', 'websocket');
  const jp = await join(probe, m, t.id('probe'), 'Probe');
  assert.deepEqual(jp.participants.map((p) => p.participantId), [ja.participantId, jb.participantId, jc.participantId],
    'Carl is still in after the refused kick');
  for (const x of [a, b, c]) await x.next('participant-joined');

  // The creator kicks Carl.
  assertOkAck(await a.ack('kick-participant', { meetingId: m, participantId: jc.participantId }));
  assert.deepEqual(await c.next('kicked'), { meetingId: m }, 'kicked {meetingId}');
  const expectedLeft = { participantId: jc.participantId, userName: 'Carl', reason: 'kicked', userId: t.id('carl'), socketId: c.id };
  for (const x of [a, b, probe]) assertLeft(await x.next('participant-left'), expectedLeft);
  await t.quiet([a, b, c, probe]); // in particular no participant-left about itself to Carl

  // Kicked: can no longer relay in that meeting; nobody receives the attempt.
  await t.refused(c, 'offer', [{ meetingId: m, offer: { type: 'offer', sdp: SDP } }], 'not_member');
  await t.quiet([a, b, c, probe]);
  const late = await t.client('late', 'polling');
  const jl = await join(late, m, t.id('late'), 'Late');
  assert.deepEqual(jl.participants.map((p) => p.participantId), [ja.participantId, jb.participantId, jp.participantId],
    'Carl is gone from the meeting');
});

sc.check('end_by_creator_only_then_meeting_ended', async (t) => {
  const m = newMeeting();
  const [a, b] = await t.clientsOf([['creator', 'polling'], ['bob', 'websocket']]);
  await joinAll(m, [[a, t.id('creator'), 'Creator'], [b, t.id('bob'), 'Bob']]);

  await t.refused(b, 'end-meeting', [{ meetingId: m }], 'unauthorized');
  await t.quiet([a, b]);
  const c = await t.client('carl', 'upgrade');
  const jc = await join(c, m, t.id('carl'), 'Carl'); // still live
  for (const x of [a, b]) await x.next('participant-joined', (p) => p.participantId === jc.participantId);

  assertOkAck(await a.ack('end-meeting', { meetingId: m }));
  for (const x of [a, b, c]) assert.deepEqual(await x.next('meeting-ended'), { meetingId: m }, `${x.name}: meeting-ended`);
  await t.quiet([a, b, c]);

  // Ended: joining again is refused, for a newcomer and for a former participant.
  const d = await t.client('dan', 'websocket');
  await t.refused(d, 'join-meeting', [{ meetingId: m, userId: t.id('dan'), userName: 'Dan' }], 'meeting_ended', 'Meeting has ended');
  await t.refused(b, 'join-meeting', [{ meetingId: m, userId: t.id('bob'), userName: 'Bob' }], 'meeting_ended', 'Meeting has ended');
  // Everyone was removed: relays in the ended meeting are refused.
  await t.refused(b, 'offer', [{ meetingId: m, offer: { type: 'offer', sdp: SDP } }], 'not_member');
  await t.quiet([a, b, c, d]);
});

sc.check('leave_and_disconnect_reasons', async (t) => {
  const m = newMeeting();
  const [a, b, c] = await t.clientsOf([['ann', 'websocket'], ['ben', 'polling'], ['cat', 'upgrade']]);
  const [, jb, jc] = await joinAll(m, [[a, t.id('ann'), 'Ann'], [b, t.id('ben'), 'Ben'], [c, t.id('cat'), 'Cat']]);

  assertOkAck(await b.ack('leave-meeting', { meetingId: m }));
  const leftB = { participantId: jb.participantId, userName: 'Ben', reason: 'left', userId: t.id('ben'), socketId: b.id };
  assertLeft(await a.next('participant-left'), leftB);
  assertLeft(await c.next('participant-left'), leftB);
  await t.quiet([a, b, c]);
  // A participant that left relays nothing into the meeting, and leaving twice is refused.
  await t.refused(b, 'offer', [{ meetingId: m, offer: { type: 'offer', sdp: SDP } }], 'not_member');
  await t.refused(b, 'leave-meeting', [{ meetingId: m }], 'not_member');

  const cid = c.id;
  c.close(); // a clean client-side disconnect (polling upgraded to websocket)
  assertLeft(await a.next('participant-left'), { participantId: jc.participantId, userName: 'Cat', reason: 'disconnected', userId: t.id('cat'), socketId: cid });
  await t.quiet([a, b]);
});

sc.check('relays_inside_a_meeting_carry_roomId', async (t) => {
  const m = newMeeting();
  const [a, b, c] = await t.clientsOf([['ann', 'polling'], ['ben', 'websocket'], ['cat', 'upgrade']]);
  await joinAll(m, [[a, t.id('ann'), 'Ann'], [b, t.id('ben'), 'Ben'], [c, t.id('cat'), 'Cat']]);

  // Broadcast offer with meetingId: forwarded with roomId = the meeting id; the sender's fields kept.
  const offer = { meetingId: m, offer: { type: 'offer', sdp: SDP }, extra: { n: 1, s: 'ü' } };
  assertOkAck(await a.ack('offer', offer));
  for (const x of [b, c]) assert.deepEqual(await x.next('offer'), { ...offer, fromUserId: a.id, roomId: m });
  await t.quiet([a, b, c]);

  // Targeted offer: only the target (by socket id).
  const targeted = { meetingId: m, offer: { type: 'offer', sdp: SDP }, targetUserId: c.id };
  assertOkAck(await a.ack('offer', targeted));
  assert.deepEqual(await c.next('offer'), { ...targeted, fromUserId: a.id, roomId: m });
  await t.quiet([a, b, c]);

  // Answer back to the offerer only.
  const answer = { meetingId: m, answer: { type: 'answer', sdp: SDP }, targetUserId: a.id };
  assertOkAck(await c.ack('answer', answer));
  assert.deepEqual(await a.next('answer'), { ...answer, fromUserId: c.id, roomId: m });
  await t.quiet([a, b, c]);

  // ICE candidate with seed 000's roomId field naming the meeting.
  const ice = { roomId: m, candidate: { candidate: 'candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 }, targetUserId: b.id };
  assertOkAck(await c.ack('ice-candidate', ice));
  assert.deepEqual(await b.next('ice-candidate'), { ...ice, fromUserId: c.id });
  await t.quiet([a, b, c]);

  // request-media-state: the meeting minus the sender.
  assertOkAck(await b.ack('request-media-state', { meetingId: m }));
  for (const x of [a, c]) assert.deepEqual(await x.next('request-media-state'), { meetingId: m, roomId: m, userId: b.id });
  await t.quiet([a, b, c]);

  // join-room on the meeting id by a participant: an idempotent success, nobody notified.
  assertOkAck(await b.ack('join-room', { roomId: m, userName: 'Ben' }));
  const rj = await b.next('room-joined');
  assertShape(rj, { roomId: m }, { participants: undefined }, 'room-joined');
  assert.deepEqual(rj.participants.map((p) => p.userId).sort(), [a.id, c.id].sort(), 'room-joined lists the other participants by socket id');
  await t.quiet([a, b, c]);
});

sc.check('concurrent_joins_each_sees_everyone_exactly_once', async (t) => {
  // Five sockets send join-meeting at the same moment: each one learns of every other exactly once,
  // either in its participants list or by participant-joined, and never of itself.
  const m = newMeeting();
  const specs = [['p1', 'websocket'], ['p2', 'polling'], ['p3', 'upgrade'], ['p4', 'websocket'], ['p5', 'polling']];
  const cs = await t.clientsOf(specs);
  cs.forEach((c, i) => c.emit('join-meeting', { meetingId: m, userId: t.id(`u${i}`), userName: `User ${i}` }));
  const joined = await Promise.all(cs.map((c) => c.next('meeting-joined')));
  const ids = joined.map((j) => j.participantId);
  assert.equal(new Set(ids).size, cs.length, 'unique participantIds');
  await new Promise((r) => setTimeout(r, 500)); // let every participant-joined arrive
  cs.forEach((c, i) => {
    const listed = joined[i].participants.map((p) => p.participantId);
    const announced = c.inbox.filter((e) => e.event === 'participant-joined').map((e) => e.args[0].participantId);
    const seen = [...listed, ...announced].sort();
    const others = ids.filter((_, k) => k !== i).sort();
    assert.deepEqual(seen, others, `${c.name} learns of each other participant exactly once (listed ${listed}, announced ${announced})`);
    c.drain('participant-joined');
  });
  await t.quiet(cs);
});

sc.check('socket_in_two_meetings_disconnect_leaves_both', async (t) => {
  const m1 = newMeeting();
  const m2 = newMeeting();
  const [a, b, x] = await t.clientsOf([['ann', 'websocket'], ['ben', 'polling'], ['multi', 'upgrade']]);
  await join(a, m1, t.id('ann'), 'Ann');
  await join(b, m2, t.id('ben'), 'Ben');
  const j1 = await join(x, m1, t.id('multi'), 'Multi');
  const j2 = await join(x, m2, t.id('multi'), 'Multi');
  assert.notEqual(j1.participantId, j2.participantId);
  await a.next('participant-joined');
  await b.next('participant-joined');
  const xid = x.id;
  x.close();
  assertLeft(await a.next('participant-left'), { participantId: j1.participantId, userName: 'Multi', reason: 'disconnected', userId: t.id('multi'), socketId: xid });
  assertLeft(await b.next('participant-left'), { participantId: j2.participantId, userName: 'Multi', reason: 'disconnected', userId: t.id('multi'), socketId: xid });
  await t.quiet([a, b]);
});

sc.run();
