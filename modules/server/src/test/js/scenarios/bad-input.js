'use strict';
// Bad input of every kind (EVENTS.md "Errors and acks", "Precise rules: Bad input"): non-object
// payloads, missing fields, wrong types, oversize strings / SDP / candidates / events, unknown
// ids, relays into rooms the sender is not in, floods, messages over the Engine.IO max payload.
// Each is answered on the sender's socket only (error {message, code, event} and a failed ack
// {ok:false, code, message}); no state changes (checked by a later joiner's view); no other
// socket notices anything; the sender's connection stays open (except over the max payload,
// where the server may close the sender's own connection).
// Node settings: SWITCHBOARD_MEETINGS_AUTO_CREATE=true, default limits (ids 128, names 256,
// passwords 256, SDP 65536, candidates 4096, events 262144 characters, max payload 1000000 bytes).

const crypto = require('node:crypto');
const { Scenario, assert, assertOkAck, assertShape, sleep } = require('../lib/harness');
const { participantView, assertMeetingJoined, join, joinAll } = require('../lib/meetings');
const { register } = require('../lib/calls');

const sc = new Scenario('bad-input');
const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = { candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 40000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
const NON_OBJECTS = [['string', ['just a string']], ['number', [42]], ['array', [[1, 'two']]], ['null', [null]], ['boolean', [true]], ['no argument', []]];
const ROOM_EVENTS = ['join-meeting', 'leave-meeting', 'kick-participant', 'end-meeting', 'join-room', 'leave-room', 'offer', 'answer',
  'ice-candidate', 'media-state-change', 'request-media-state', 'media-state-response'];
const CALL_EVENTS = ['initiateVideoCall', 'initiateGroupVideoCall', 'acceptVideoCall', 'rejectVideoCall', 'endVideoCall',
  'call-request', 'call-answer', 'call-reject', 'call-end'];
const OBJECT_EVENTS = ['groupCreated', 'sendMessage', 'sendGroupMessage'];
const ID_EVENTS = ['userOnline', 'user-connected', 'joinVideoRoom', 'leaveVideoRoom', 'joinGroup', 'leaveGroup'];
const SIZE_CODES = ['too_large', 'bad_request'];

/**
 * The bystanders of every check: o1 (websocket) and o2 (polling), registered users, in meeting M
 * (o1 created it) and room R; the offender x (websocket) is registered and in room R too; room
 * RX holds o1 and o2 only; group G holds all three users.
 */
async function stage(t, offenderTransport = 'websocket') {
  const [o1, o2, x] = await t.clientsOf([['obs1', 'websocket'], ['obs2', 'polling'], ['offender', offenderTransport]]);
  const M = crypto.randomUUID();
  const R = t.id('room');
  const RX = t.id('room-x');
  const G = t.id('group');
  await register(o1, t.id('obs1'));
  await register(o2, t.id('obs2'));
  await register(x, t.id('offender'));
  const [j1, j2] = await joinAll(M, [[o1, t.id('obs1'), 'Obs One'], [o2, t.id('obs2'), 'Obs Two']]);
  for (const [c, room] of [[o1, R], [o2, R], [x, R], [o1, RX], [o2, RX]]) {
    assertOkAck(await c.ack('join-room', { roomId: room, userName: c.name }));
    await c.next('room-joined');
  }
  assertOkAck(await o1.ack('groupCreated', { groupId: G, memberIds: [t.id('obs1'), t.id('obs2'), t.id('offender')] }));
  await sleep(300); // every user-joined of the staging has arrived, polling clients included
  for (const c of [o1, o2, x]) c.drain('user-joined');
  return { o1, o2, x, M, R, RX, G, p1: j1.participantId, p2: j2.participantId };
}

/** The meeting and the rooms are as staged: a late joiner sees exactly o1 and o2 with their initial media state. */
async function assertUnchanged(t, s) {
  const late = await t.client('late', 'upgrade');
  const jl = await join(late, s.M, t.id('late'), 'Late');
  assertMeetingJoined(jl, {
    meetingId: s.M, creatorId: t.id('obs1'),
    participants: [participantView(s.o1, s.p1, t.id('obs1'), 'Obs One'), participantView(s.o2, s.p2, t.id('obs2'), 'Obs Two')],
  });
  assertOkAck(await late.ack('join-room', { roomId: s.R, userName: 'late' }));
  const rj = await late.next('room-joined');
  assert.deepEqual(rj.participants.map((p) => p.userId), [s.o1.id, s.o2.id, s.x.id], 'room R members unchanged');
  late.close();
}

/** The offender's connection is open and works: an ack round trip. */
async function stillOpen(x) {
  assert.ok(x.connected, `${x.name} still connected`);
  const probe = await x.ack('join-room', { roomId: `probe-${crypto.randomUUID()}`, userName: 'probe' });
  assertOkAck(probe, undefined, 'probe after bad input');
  await x.next('room-joined');
}

async function matrix(t, s, events, payloads, code = 'bad_request') {
  const failures = [];
  for (const event of events) {
    for (const [label, args] of payloads) {
      try {
        await t.refused(s.x, event, args, code);
      } catch (e) {
        failures.push(`${event} with ${label}: ${e.message}`);
      }
    }
  }
  if (failures.length) throw new Error(`${failures.length} refusals not as expected:\n  ${failures.slice(0, 12).join('\n  ')}`);
}

sc.check('non_object_payloads_meetings_and_rooms', async (t) => {
  const s = await stage(t);
  await matrix(t, s, ROOM_EVENTS, NON_OBJECTS);
  await t.quiet([s.o1, s.o2, s.x]);
  await stillOpen(s.x);
  await assertUnchanged(t, s);
});

sc.check('non_object_payloads_calls', async (t) => {
  const s = await stage(t, 'polling');
  await matrix(t, s, CALL_EVENTS, NON_OBJECTS);
  await t.quiet([s.o1, s.o2, s.x]);
  await stillOpen(s.x);
});

sc.check('non_object_payloads_groups_chat_registration', async (t) => {
  const s = await stage(t, 'upgrade');
  await matrix(t, s, OBJECT_EVENTS, NON_OBJECTS);
  // The registration and group events take a bare id (or {userId}/{groupId}); anything else is refused.
  await matrix(t, s, ID_EVENTS, [['null', [null]], ['boolean', [false]], ['array', [['id']]], ['empty object', [{}]],
    ['object id', [{ userId: { $ne: 1 }, groupId: { $ne: 1 } }]], ['empty string', ['']], ['no argument', []]]);
  await t.quiet([s.o1, s.o2, s.x]);
  await stillOpen(s.x);
  // Still registered as before and still in G: a message to the offender's user reaches it, a group message too.
  const msg = { to: t.id('offender'), text: 'still there?' };
  assertOkAck(await s.o1.ack('sendMessage', msg));
  assert.deepEqual(await s.x.next('receiveMessage'), msg);
  const gm = { groupId: s.G, text: 'group still there?' };
  assertOkAck(await s.o1.ack('sendGroupMessage', gm));
  assert.deepEqual(await s.x.next('receiveGroupMessage'), gm);
  assert.deepEqual(await s.o2.next('receiveGroupMessage'), gm);
  await t.quiet([s.o1, s.o2, s.x]);
});

sc.check('missing_fields_and_wrong_types', async (t) => {
  const s = await stage(t);
  const { M, R } = s;
  const me = t.id('offender');
  const cases = [
    ['join-meeting', { userId: me, userName: 'X' }],
    ['join-meeting', { meetingId: { id: M }, userId: me, userName: 'X' }],
    ['join-meeting', { meetingId: true, userId: me, userName: 'X' }],
    ['join-meeting', { meetingId: '', userId: me, userName: 'X' }],
    ['join-meeting', { meetingId: '   ', userId: me, userName: 'X' }],
    ['join-meeting', { meetingId: M, userId: ['x'], userName: 'X' }],
    ['join-meeting', { meetingId: M, userId: me, userName: 12 }],
    ['join-meeting', { meetingId: M, userId: me, userName: { first: 'X' } }],
    ['join-meeting', { meetingId: M, userId: me, userName: 'X', meeting_password: 1234 }],
    ['leave-meeting', {}],
    ['kick-participant', { meetingId: M }],
    ['kick-participant', { meetingId: M, participantId: { id: s.p2 } }],
    ['end-meeting', { meetingId: false }],
    ['join-room', {}],
    ['join-room', { roomId: true }],
    ['join-room', { roomId: { id: R } }],
    ['join-room', { roomId: R, userName: { n: 'x' } }],
    ['leave-room', { roomId: [R] }],
    ['offer', { roomId: R }],
    ['offer', { roomId: R, offer: 5 }],
    ['offer', { roomId: R, offer: true }],
    ['offer', { roomId: R, offer: { type: 'offer', sdp: 7 } }],
    ['offer', { offer: { type: 'offer', sdp: SDP } }],
    ['offer', { roomId: R, offer: { type: 'offer', sdp: SDP }, targetUserId: { id: 1 } }],
    ['answer', { roomId: R, answer: { type: 'answer', sdp: SDP } }],
    ['answer', { roomId: R, targetUserId: s.o1.id }],
    ['ice-candidate', { roomId: R }],
    ['ice-candidate', { roomId: R, candidate: 5 }],
    ['ice-candidate', { roomId: R, candidate: [CANDIDATE] }],
    ['ice-candidate', { candidate: CANDIDATE }],
    ['ice-candidate', { candidate: CANDIDATE, to: false }],
    ['media-state-change', { roomId: R }],
    ['media-state-change', { meetingId: M, mediaState: 'off' }],
    ['media-state-change', { meetingId: M, mediaState: [false] }],
    ['request-media-state', {}],
    ['media-state-response', { roomId: R }],
    ['media-state-response', { roomId: R, mediaState: 'on' }],
    ['initiateVideoCall', { callerId: me, callerName: 'X', isGroupCall: false }],
    ['initiateVideoCall', { callerId: me, receiverId: { id: 'b' } }],
    ['initiateVideoCall', { receiverId: t.id('obs1') }],
    ['initiateVideoCall', { callerId: me, receiverId: t.id('obs1'), callerName: 5 }],
    ['initiateVideoCall', { callerId: me, receiverId: t.id('obs1'), isGroupCall: 'no' }],
    ['initiateGroupVideoCall', { callerId: me, callerName: 'X', isGroupCall: true }],
    ['initiateGroupVideoCall', { callerId: me, groupId: [s.G] }],
    ['call-request', { id: t.id('c1'), from: me, type: 'video', offer: { type: 'offer', sdp: SDP }, timestamp: 1 }],
    ['call-request', { from: me, to: t.id('obs1'), type: 'video', offer: { type: 'offer', sdp: SDP }, timestamp: 1 }],
    ['call-request', { id: t.id('c2'), from: me, to: t.id('obs1'), type: 'fax', offer: { type: 'offer', sdp: SDP }, timestamp: 1 }],
    ['call-request', { id: t.id('c3'), from: me, to: t.id('obs1'), type: 'video', offer: 12, timestamp: 1 }],
    ['call-request', { id: t.id('c4'), from: me, to: t.id('obs1'), type: 'video', timestamp: 1 }],
    ['call-answer', { callId: t.id('c1'), answer: { type: 'answer', sdp: SDP } }],
    ['call-answer', { to: t.id('obs1'), answer: { type: 'answer', sdp: SDP } }],
    ['call-reject', { callId: t.id('c1') }],
    ['call-end', { to: t.id('obs1') }],
    ['sendMessage', { text: 'no recipient' }],
    ['sendMessage', { to: { id: 'x' }, text: 'object recipient' }],
    ['sendGroupMessage', { text: 'no group' }],
    ['sendGroupMessage', { groupId: true, text: 'boolean group' }],
    ['groupCreated', { groupId: t.id('g2') }],
    ['groupCreated', { groupId: t.id('g2'), memberIds: 'a,b' }],
    ['groupCreated', { groupId: t.id('g2'), memberIds: [{ id: 'a' }] }],
    ['groupCreated', { memberIds: [me] }],
  ];
  const failures = [];
  for (const [event, payload] of cases) {
    try {
      await t.refused(s.x, event, [payload], 'bad_request');
    } catch (e) {
      failures.push(`${event} ${JSON.stringify(payload).slice(0, 120)}: ${e.message}`);
    }
  }
  if (failures.length) throw new Error(`${failures.length} of ${cases.length} refusals not as expected:\n  ${failures.slice(0, 15).join('\n  ')}`);
  await t.quiet([s.o1, s.o2, s.x]);
  await stillOpen(s.x);
  await assertUnchanged(t, s);
});

sc.check('bad_media_state_changes_nothing', async (t) => {
  const s = await stage(t);
  // A participant's own malformed update: refused as a whole, no partial change, nobody told.
  for (const mediaState of [{ audio: 'no' }, { audio: false, video: 'off' }, { screen: 1 }, { audio: false, video: true, screen: {} }]) {
    await t.refused(s.o2, 'media-state-change', [{ meetingId: s.M, mediaState }], 'bad_request');
  }
  await t.quiet([s.o1, s.o2, s.x]);
  await assertUnchanged(t, s);
});

sc.check('join_without_user_creates_nothing', async (t) => {
  // With auto-creation on, a refused join must not create the meeting (with nobody as creator).
  const [x, late] = await t.clientsOf([['offender', 'websocket'], ['late', 'polling']]);
  const m = crypto.randomUUID();
  await t.refused(x, 'join-meeting', [{ meetingId: m, userName: 'No Id' }], 'bad_request');
  await t.refused(x, 'join-meeting', [{ meetingId: m, userId: { id: 1 }, userName: 'Bad Id' }], 'bad_request');
  await t.refused(x, 'join-meeting', [{ meetingId: m, userId: t.id('x'), userName: 'x'.repeat(300) }], SIZE_CODES);
  const jl = await join(late, m, t.id('late'), 'Late');
  assertMeetingJoined(jl, { meetingId: m, creatorId: t.id('late'), participants: [] });
  await t.quiet([x, late]);
});

sc.check('oversize_fields_refused_connection_stays_open', async (t) => {
  const s = await stage(t);
  const { M, R } = s;
  const me = t.id('offender');
  const long = (n) => 'x'.repeat(n);
  const bigSdp = 'v=0\r\n' + 'a=x-filler:' + 'f'.repeat(70000) + '\r\n';
  const bigCandidate = { ...CANDIDATE, candidate: 'candidate:' + '1'.repeat(5000) };
  const cases = [
    ['join-meeting', { meetingId: long(129), userId: me, userName: 'X' }],
    ['join-meeting', { meetingId: M, userId: long(129), userName: 'X' }],
    ['join-meeting', { meetingId: M, userId: me, userName: long(257) }],
    ['join-meeting', { meetingId: M, userId: me, userName: 'X', meeting_password: long(300) }],
    ['join-room', { roomId: long(129) }],
    ['join-room', { roomId: t.id('r2'), userName: long(257) }],
    ['offer', { roomId: R, offer: { type: 'offer', sdp: bigSdp } }],
    ['offer', { roomId: R, offer: bigSdp }],
    ['answer', { roomId: R, answer: { type: 'answer', sdp: bigSdp }, targetUserId: s.o1.id }],
    ['ice-candidate', { roomId: R, candidate: bigCandidate }],
    ['ice-candidate', { candidate: bigCandidate, callId: t.id('call'), to: t.id('obs1') }],
    ['media-state-change', { roomId: R, mediaState: { audio: false }, targetUserId: long(129) }],
    ['sendMessage', { to: t.id('obs1'), text: long(300000) }],
    ['sendMessage', { to: long(129), text: 'hi' }],
    ['sendGroupMessage', { groupId: s.G, text: long(300000) }],
    ['call-request', { id: t.id('c'), from: me, to: t.id('obs1'), type: 'video', offer: { type: 'offer', sdp: bigSdp }, timestamp: 1 }],
    ['call-request', { id: long(129), from: me, to: t.id('obs1'), type: 'video', offer: { type: 'offer', sdp: SDP }, timestamp: 1 }],
    ['initiateVideoCall', { roomName: 'r', callerId: me, callerName: long(257), receiverId: t.id('obs1'), receiverName: 'o', isGroupCall: false }],
    ['initiateVideoCall', { roomName: 'r', callerId: me, callerName: 'X', receiverId: t.id('obs1'), receiverName: 'o', isGroupCall: false, blob: long(300000) }],
    ['userOnline', [long(129)]],
    ['joinGroup', [long(129)]],
    ['groupCreated', { groupId: t.id('g'), memberIds: [me, long(129)] }],
  ];
  const failures = [];
  for (const [event, payload] of cases) {
    const args = Array.isArray(payload) ? payload : [payload];
    try {
      await t.refused(s.x, event, args, SIZE_CODES);
    } catch (e) {
      failures.push(`${event} ${JSON.stringify(args).slice(0, 100)}: ${e.message}`);
    }
    if (!s.x.connected) {
      failures.push(`${event}: the connection was closed (the payload is under the max payload)`);
      break;
    }
  }
  if (failures.length) throw new Error(`${failures.length} of ${cases.length} refusals not as expected:\n  ${failures.slice(0, 15).join('\n  ')}`);
  await t.quiet([s.o1, s.o2, s.x]);
  await stillOpen(s.x);
  await assertUnchanged(t, s);
});

sc.check('unknown_ids_and_foreign_rooms', async (t) => {
  const s = await stage(t);
  const other = await t.client('other-meeting', 'polling');
  const otherMeeting = crypto.randomUUID();
  const jo = await join(other, otherMeeting, t.id('other'), 'Other');
  // The creator kicking a participant that does not exist, or one of another meeting.
  await t.refused(s.o1, 'kick-participant', [{ meetingId: s.M, participantId: 'no-such-participant' }], 'not_found');
  await t.refused(s.o1, 'kick-participant', [{ meetingId: s.M, participantId: jo.participantId }], 'not_found');
  await t.refused(s.x, 'end-meeting', [{ meetingId: crypto.randomUUID() }], 'not_found');
  await t.refused(s.x, 'leave-meeting', [{ meetingId: s.M }], 'not_member');
  await t.refused(s.x, 'leave-room', [{ roomId: s.RX }], 'not_member');
  // Relays into a room the sender is not in, and to targets outside the room.
  await t.refused(s.x, 'offer', [{ roomId: s.RX, offer: { type: 'offer', sdp: SDP } }], 'not_member');
  await t.refused(s.x, 'ice-candidate', [{ roomId: s.RX, candidate: CANDIDATE, targetUserId: s.o1.id }], 'not_member');
  await t.refused(s.x, 'media-state-change', [{ meetingId: s.M, mediaState: { audio: false } }], 'not_member');
  await t.refused(s.x, 'request-media-state', [{ roomId: s.RX }], 'not_member');
  await t.refused(s.x, 'offer', [{ roomId: s.R, offer: { type: 'offer', sdp: SDP }, targetUserId: other.id }], 'not_member');
  await t.refused(s.x, 'answer', [{ roomId: s.R, answer: { type: 'answer', sdp: SDP }, targetUserId: 'no-such-socket' }], 'not_member');
  await t.refused(s.x, 'offer', [{ roomId: t.id('nowhere'), offer: { type: 'offer', sdp: SDP } }], 'not_member');
  // Calls that do not exist.
  const anyRefusal = ['not_found', 'not_member', 'unauthorized', 'bad_request', 'conflict'];
  await t.refused(s.x, 'acceptVideoCall', [{ callId: 'no-such-call', callerId: t.id('obs1'), receiverId: t.id('offender') }], anyRefusal);
  await t.refused(s.x, 'call-answer', [{ callId: 'no-such-call', to: t.id('obs1'), answer: { type: 'answer', sdp: SDP } }], anyRefusal);
  await t.refused(s.x, 'ice-candidate', [{ candidate: CANDIDATE, callId: 'no-such-call', to: t.id('obs1') }], anyRefusal);
  await t.quiet([s.o1, s.o2, s.x, other]);
  await stillOpen(s.x);
  await assertUnchanged(t, s);
});

sc.check('binary_where_ids_expected', async (t) => {
  const s = await stage(t);
  await t.refused(s.x, 'join-room', [{ roomId: Buffer.from('room'), userName: 'bin' }], 'bad_request');
  await t.refused(s.x, 'join-meeting', [{ meetingId: Buffer.from(s.M), userId: t.id('offender'), userName: 'bin' }], 'bad_request');
  await t.refused(s.x, 'sendMessage', [{ to: Buffer.from(t.id('obs1')), text: 'bin' }], 'bad_request');
  await t.quiet([s.o1, s.o2, s.x]);
  await stillOpen(s.x);
});

sc.check('unknown_event_refused_quietly', async (t) => {
  const s = await stage(t);
  const ack = await s.x.ack('no-such-event', { roomId: s.R });
  assert.equal(ack.ok, false, 'unknown event: failed ack');
  assert.equal(typeof ack.code, 'string');
  s.x.emit('another-unknown-event', { roomId: s.R });
  await sleep(100);
  s.x.inbox = s.x.inbox.filter((e) => !(e.event === 'error' && e.args[0] && /unknown-event|no-such-event/.test(e.args[0].event)));
  await t.quiet([s.o1, s.o2, s.x]);
  await stillOpen(s.x);
});

sc.check('flood_is_refused_without_closing_anyone', async (t) => {
  const s = await stage(t);
  // 400 malformed events at once: refused (bad_request, or rate_limited past the burst); the
  // connection stays open and nobody else notices.
  for (let i = 0; i < 400; i++) s.x.emit('join-room', {});
  const deadline = Date.now() + 5000;
  let errors = 0;
  const codes = new Set();
  while (Date.now() < deadline && errors < 400) {
    const err = await s.x.next('error', undefined, 1000).catch(() => null);
    if (!err) break;
    errors++;
    codes.add(err.code);
    assert.equal(err.event, 'join-room');
  }
  assert.ok(errors > 0, 'errors came back');
  for (const c of codes) assert.ok(['bad_request', 'rate_limited'].includes(c), `code ${c}`);
  await t.quiet([s.o1, s.o2]);
  await sleep(200);
  s.x.drain('error');
  await stillOpen(s.x);
  await assertUnchanged(t, s);
  return { errors, codes: [...codes] };
});

async function overMaxPayload(t, transport) {
  const s = await stage(t, transport);
  // Just over the 1 MB Engine.IO max payload: the server may close the sender's own connection, or
  // refuse it with an error; either way nothing is relayed and no other socket notices.
  const huge = 'v=0\r\n' + 'a=x:' + 'h'.repeat(1_100_000) + '\r\n';
  const xid = s.x.id;
  let acked = null;
  s.x.socket.emit('offer', { roomId: s.R, offer: { type: 'offer', sdp: huge } }, (ack) => { acked = ack; });
  s.x.emit('sendMessage', { to: t.id('obs1'), text: huge });
  // Wait (bounded) for either outcome: the connection closed, or a refusal (error event or failed ack).
  const deadline = Date.now() + 5000;
  while (s.x.connected && acked === null && !s.x.inbox.some((e) => e.event === 'error') && Date.now() < deadline) {
    await sleep(20);
  }
  let outcome;
  if (!s.x.connected) {
    outcome = `closed (${await s.x.disconnected()})`;
    // Its departure is the only thing the others may see.
    for (const o of [s.o1, s.o2]) {
      const left = await o.next('user-left', undefined, 5000);
      assert.deepEqual(left, { roomId: s.R, userId: xid });
    }
  } else {
    const err = s.x.inbox.find((e) => e.event === 'error');
    assert.ok(err || acked, 'a message over the max payload was neither refused (no error event, no ack) nor did it close '
      + 'the connection: it vanished silently');
    if (err) assert.equal(typeof err.args[0].code, 'string', 'an error with a code');
    if (acked) assert.equal(acked.ok, false, 'a failed ack');
    outcome = `refused (${err ? err.args[0].code : acked.code})`;
    s.x.drain('error');
  }
  await t.quiet([s.o1, s.o2]);
  // The others are unaffected: still connected and relaying to each other.
  for (const o of [s.o1, s.o2]) assert.ok(o.connected, `${o.name} still connected`);
  const offer = { roomId: s.R, offer: { type: 'offer', sdp: SDP } };
  assertOkAck(await s.o1.ack('offer', offer));
  assertShape(await s.o2.next('offer'), { ...offer, fromUserId: s.o1.id }, {}, 'relay between the others after the oversize message');
  await t.quiet([s.o1, s.o2]);
  return { outcome };
}

sc.check('over_max_payload_websocket_only_sender_affected', (t) => overMaxPayload(t, 'websocket'));
sc.check('over_max_payload_polling_only_sender_affected', (t) => overMaxPayload(t, 'polling'));

sc.run();
