'use strict';
// Seed 001, section 7 "Testing Checklist for Backend", Tests 1-5, as the checklist words them.
// One meeting, users joining in turn; every step builds on the previous one, as in the checklist.
// Node settings: SWITCHBOARD_MEETINGS_AUTO_CREATE=true (the checklist joins an id nobody created
// over the HTTP API; with auto-creation the first joiner, User 1, is the creator).
// Transports: User 1 polling, User 2 websocket (its Test 5 disconnect kills the TCP connection),
// User 3 polling then upgrade, User 4 (a late joiner that reads the room state) websocket.

const crypto = require('node:crypto');
const { Scenario, assert } = require('../lib/harness');
const { participantView, joinedView, assertMeetingJoined, join, assertLeft } = require('../lib/meetings');

const sc = new Scenario('seed001-testing-checklist');
const meetingId = crypto.randomUUID();
const U1 = { userId: `user-1-${meetingId.slice(0, 8)}`, userName: 'User One' };
const U2 = { userId: `user-2-${meetingId.slice(0, 8)}`, userName: 'User Two' };
const U3 = { userId: `user-3-${meetingId.slice(0, 8)}`, userName: 'User Three' };
const U4 = { userId: `user-4-${meetingId.slice(0, 8)}`, userName: 'User Four' };
const s = {}; // state carried from test to test: clients and participant ids

function need(...keys) {
  for (const k of keys) if (!s[k]) throw new Error(`skipped: an earlier test did not leave '${k}'`);
}

// Test 1: Single User Join
//   Connect socket; emit join-meeting.
//   Expected: meeting-joined with empty participants array; participantId is unique; no errors.
sc.check('test1_single_user_join', async () => {
  s.c1 = await sc.shared.client('user1', 'polling');
  const joined = await join(s.c1, meetingId, U1.userId, U1.userName);
  assertMeetingJoined(joined, { meetingId, creatorId: U1.userId, participants: [] });
  s.p1 = joined.participantId;
  assert.notEqual(s.p1, U1.userId, 'participantId is not the userId');
  await sc.shared.quiet([s.c1]); // no errors (nor anything else)
  return { participantId: s.p1 };
});

// Test 2: Second User Joins
//   User 1 already in meeting; User 2 emits join-meeting.
//   Expected: User 2 receives meeting-joined with User 1 in participants array; User 1 receives
//   participant-joined for User 2; both have unique participantIds.
sc.check('test2_second_user_joins', async () => {
  need('c1', 'p1');
  s.c2 = await sc.shared.client('user2', 'websocket');
  const joined = await join(s.c2, meetingId, U2.userId, U2.userName);
  assertMeetingJoined(joined, {
    meetingId, creatorId: U1.userId,
    participants: [participantView(s.c1, s.p1, U1.userId, U1.userName)],
  });
  s.p2 = joined.participantId;
  const pj = await s.c1.next('participant-joined');
  assert.deepEqual(pj, joinedView(s.c2, s.p2, U2.userId, U2.userName, false), 'participant-joined for User 2');
  assert.notEqual(s.p1, s.p2, 'unique participantIds');
  await sc.shared.quiet([s.c1, s.c2]);
});

// Test 3: Third User Joins
//   Users 1 & 2 already in meeting; User 3 emits join-meeting.
//   Expected: User 3 receives meeting-joined with [User 1, User 2] in participants; Users 1 & 2
//   receive participant-joined for User 3; all three have unique participantIds.
sc.check('test3_third_user_joins', async () => {
  need('c1', 'c2', 'p1', 'p2');
  s.c3 = await sc.shared.client('user3', 'upgrade');
  const joined = await join(s.c3, meetingId, U3.userId, U3.userName);
  assertMeetingJoined(joined, {
    meetingId, creatorId: U1.userId,
    participants: [
      participantView(s.c1, s.p1, U1.userId, U1.userName),
      participantView(s.c2, s.p2, U2.userId, U2.userName),
    ],
  });
  s.p3 = joined.participantId;
  const expected = joinedView(s.c3, s.p3, U3.userId, U3.userName, false);
  assert.deepEqual(await s.c1.next('participant-joined'), expected, 'User 1 gets participant-joined for User 3');
  assert.deepEqual(await s.c2.next('participant-joined'), expected, 'User 2 gets participant-joined for User 3');
  assert.equal(new Set([s.p1, s.p2, s.p3]).size, 3, 'all three participantIds unique');
  await sc.shared.quiet([s.c1, s.c2, s.c3]);
});

// Test 4: User Leaves and Rejoins
//   User 2 emits leave-meeting. Expected: User 1 receives participant-left for User 2.
//   User 2 rejoins. Expected: User 2 gets NEW participantId; User 1 sees User 2 as new participant;
//   no duplicate entries.
sc.check('test4_user_leaves_and_rejoins', async () => {
  need('c1', 'c2', 'c3', 'p1', 'p2', 'p3');
  s.c2.emit('leave-meeting', { meetingId });
  const left = await s.c1.next('participant-left');
  assertLeft(left, { participantId: s.p2, userName: U2.userName, reason: 'left', userId: U2.userId, socketId: s.c2.id });
  const left3 = await s.c3.next('participant-left');
  assert.deepEqual(left3, left, 'User 3 gets the same participant-left');
  await sc.shared.quiet([s.c1, s.c2, s.c3]); // User 2 gets nothing about itself

  const joined = await join(s.c2, meetingId, U2.userId, U2.userName);
  assertMeetingJoined(joined, {
    meetingId, creatorId: U1.userId,
    participants: [
      participantView(s.c1, s.p1, U1.userId, U1.userName),
      participantView(s.c3, s.p3, U3.userId, U3.userName),
    ],
  });
  const rejoined = joined.participantId;
  assert.notEqual(rejoined, s.p2, 'User 2 gets a NEW participantId');
  assert.ok(![s.p1, s.p3].includes(rejoined), 'new participantId not reused');
  const expected = joinedView(s.c2, rejoined, U2.userId, U2.userName, false);
  assert.deepEqual(await s.c1.next('participant-joined'), expected, 'User 1 sees User 2 as a new participant');
  assert.deepEqual(await s.c3.next('participant-joined'), expected, 'User 3 sees User 2 as a new participant');
  s.p2 = rejoined;
  await sc.shared.quiet([s.c1, s.c2, s.c3]);

  // No duplicate entries: a late joiner sees each participant exactly once, User 2 only as the new one.
  const late = await sc.shared.client('user4', 'websocket');
  const lateJoined = await join(late, meetingId, U4.userId, U4.userName);
  assertMeetingJoined(lateJoined, {
    meetingId, creatorId: U1.userId,
    participants: [
      participantView(s.c1, s.p1, U1.userId, U1.userName),
      participantView(s.c3, s.p3, U3.userId, U3.userName),
      participantView(s.c2, s.p2, U2.userId, U2.userName),
    ],
  });
  s.c4 = late;
  s.p4 = lateJoined.participantId;
  for (const c of [s.c1, s.c2, s.c3]) {
    assert.deepEqual(await c.next('participant-joined'), joinedView(late, s.p4, U4.userId, U4.userName, false));
  }
  await sc.shared.quiet([s.c1, s.c2, s.c3, s.c4]);
});

// Test 5: Disconnect Handling
//   User 2's socket disconnects unexpectedly.
//   Expected: User 1 receives participant-left for User 2; User 2 removed from room state.
sc.check('test5_disconnect_handling', async () => {
  need('c1', 'c2', 'c3', 'c4', 'p1', 'p2', 'p3', 'p4');
  const c2id = s.c2.id;
  s.c2.killTransport(); // the TCP connection dies: no leave-meeting, no Socket.IO disconnect packet
  const left = await s.c1.next('participant-left', undefined, 10000);
  assertLeft(left, { participantId: s.p2, userName: U2.userName, reason: 'disconnected', userId: U2.userId, socketId: c2id });
  assert.deepEqual(await s.c3.next('participant-left'), left, 'User 3 too');
  assert.deepEqual(await s.c4.next('participant-left'), left, 'User 4 too');
  await sc.shared.quiet([s.c1, s.c3, s.c4]);

  // Removed from the room state: the next joiner does not see User 2.
  const c5 = await sc.shared.client('user5', 'polling');
  const joined = await join(c5, meetingId, `user-5-${meetingId.slice(0, 8)}`, 'User Five');
  assertMeetingJoined(joined, {
    meetingId, creatorId: U1.userId,
    participants: [
      participantView(s.c1, s.p1, U1.userId, U1.userName),
      participantView(s.c3, s.p3, U3.userId, U3.userName),
      participantView(s.c4, s.p4, U4.userId, U4.userName),
    ],
  });
  // ...and relays no longer reach User 2's old socket: targeting it is refused.
  const ack = await s.c1.ack('offer', { meetingId, offer: { type: 'offer', sdp: 'v=0\r\n' }, targetUserId: c2id });
  assert.equal(ack.ok, false, 'a relay to the gone socket is refused');
  assert.equal(ack.code, 'not_member');
  s.c1.drain('error');
  // Each of the others is told about User Five exactly once (waited for: on a polling transport
  // it may arrive after the steps above).
  for (const c of [s.c1, s.c3, s.c4]) {
    const announced = await c.next('participant-joined', undefined, 10000);
    assert.equal(announced.userName, 'User Five');
    assert.equal(announced.participantId, joined.participantId);
  }
  await sc.shared.quiet([s.c1, s.c3, s.c4, c5]);
});

sc.run();
