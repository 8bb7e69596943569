'use strict';
// Meeting refusals (seed 001's error wording, EVENTS.md "Refusals"): unknown meeting, password,
// capacity, creator-only operations on a meeting created by the app's backend.
// Node settings: meeting auto-creation OFF. The meetings below are created by the JUnit driver
// before this script runs (through the node's meeting operations, as the HTTP API does); their
// ids come in SB_FIXTURE (JSON):
//   {"protected":{"id","name","creator","password"}, "small":{"id","creator","max"}, "hosted":{"id","name","creator"}}

const crypto = require('node:crypto');
const { Scenario, assert, assertOkAck } = require('../lib/harness');
const { participantView, joinedView, assertMeetingJoined, join, joinAck, joinAll, assertLeft } = require('../lib/meetings');

const FIXTURE = JSON.parse(process.env.SB_FIXTURE || '{}');
const sc = new Scenario('meetings-refusals');

function fixture(name) {
  const f = FIXTURE[name];
  if (!f) throw new Error(`SB_FIXTURE has no '${name}' meeting`);
  return f;
}

sc.check('unknown_meeting_not_found', async (t) => {
  const [a, b] = await t.clientsOf([['a', 'websocket'], ['b', 'polling']]);
  const unknown = crypto.randomUUID();
  // As the seed's frontend sends it (no ack): the error event only.
  await t.refusedNoAck(a, 'join-meeting', [{ meetingId: unknown, userId: t.id('a'), userName: 'Ann' }], 'not_found', 'Meeting not found');
  // With an ack: the failed ack as well.
  await t.refused(b, 'join-meeting', [{ meetingId: unknown, userId: t.id('b'), userName: 'Ben' }], 'not_found', 'Meeting not found');
  await t.refused(a, 'end-meeting', [{ meetingId: unknown }], 'not_found', 'Meeting not found');
  await t.refused(a, 'kick-participant', [{ meetingId: unknown, participantId: 'p-1' }], 'not_found');
  await t.quiet([a, b]);
  // Refusals created nothing: still unknown.
  await t.refused(b, 'join-meeting', [{ meetingId: unknown, userId: t.id('b'), userName: 'Ben' }], 'not_found', 'Meeting not found');
});

sc.check('password_protected_meeting', async (t) => {
  const pm = fixture('protected');
  const [a, b, x] = await t.clientsOf([['ann', 'polling'], ['ben', 'websocket'], ['mallory', 'upgrade']]);
  const ja = await joinAck(a, pm.id, t.id('ann'), 'Ann', { meeting_password: pm.password });
  assertMeetingJoined(ja, { meetingId: pm.id, creatorId: pm.creator, name: pm.name, participants: [] });

  // "A protected meeting joined without a password is 'Invalid meeting password'", a wrong one too.
  const base = { meetingId: pm.id, userId: t.id('mallory'), userName: 'Mallory' };
  await t.refused(x, 'join-meeting', [base], 'bad_password', 'Invalid meeting password');
  await t.refused(x, 'join-meeting', [{ ...base, meeting_password: 'wrong' }], 'bad_password', 'Invalid meeting password');
  await t.refused(x, 'join-meeting', [{ ...base, meeting_password: '' }], 'bad_password', 'Invalid meeting password');
  await t.refused(x, 'join-meeting', [{ ...base, meeting_password: pm.password.toUpperCase() }], 'bad_password', 'Invalid meeting password');
  // Seed-style, no ack: the error event with the seed's wording.
  await t.refusedNoAck(x, 'join-meeting', [{ ...base, meeting_password: 'nope' }], 'bad_password', 'Invalid meeting password');
  await t.quiet([a, x]); // the participant notices none of it

  // No state change: the next (correct) joiner sees Ann only.
  const jb = await joinAck(b, pm.id, t.id('ben'), 'Ben', { meeting_password: pm.password });
  assertMeetingJoined(jb, { meetingId: pm.id, creatorId: pm.creator, name: pm.name, participants: [participantView(a, ja.participantId, t.id('ann'), 'Ann')] });
  assert.deepEqual(await a.next('participant-joined'), joinedView(b, jb.participantId, t.id('ben'), 'Ben', false));
  await t.quiet([a, b, x]);
});

sc.check('full_meeting_meeting_full', async (t) => {
  const sm = fixture('small');
  assert.equal(sm.max, 2, 'the fixture meeting holds 2');
  const [a, b, c] = await t.clientsOf([['ann', 'websocket'], ['ben', 'upgrade'], ['cat', 'polling']]);
  const [ja, jb] = await joinAll(sm.id, [[a, t.id('ann'), 'Ann'], [b, t.id('ben'), 'Ben']]);
  await t.refused(c, 'join-meeting', [{ meetingId: sm.id, userId: t.id('cat'), userName: 'Cat' }], 'meeting_full', 'Meeting is full');
  await t.quiet([a, b, c]);
  // A participant joining again in a full meeting is not counted twice.
  const again = await joinAck(b, sm.id, t.id('ben'), 'Ben');
  assert.equal(again.participantId, jb.participantId, 'same participant');
  await t.refused(c, 'join-meeting', [{ meetingId: sm.id, userId: t.id('cat'), userName: 'Cat' }], 'meeting_full', 'Meeting is full');
  await t.quiet([a, b, c]);
  // A place frees up when someone leaves.
  assertOkAck(await a.ack('leave-meeting', { meetingId: sm.id }));
  assertLeft(await b.next('participant-left'), { participantId: ja.participantId, userName: 'Ann', reason: 'left', userId: t.id('ann'), socketId: a.id });
  const jc = await joinAck(c, sm.id, t.id('cat'), 'Cat');
  assertMeetingJoined(jc, { meetingId: sm.id, creatorId: sm.creator, participants: [participantView(b, jb.participantId, t.id('ben'), 'Ben')] });
  await b.next('participant-joined');
  await t.quiet([a, b, c]);
});

sc.check('backend_created_meeting_creator_rights', async (t) => {
  const hm = fixture('hosted');
  const [b, host, c] = await t.clientsOf([['bob', 'polling'], ['host', 'websocket'], ['cat', 'upgrade']]);
  const jb = await join(b, hm.id, t.id('bob'), 'Bob');
  assertMeetingJoined(jb, { meetingId: hm.id, creatorId: hm.creator, name: hm.name, participants: [] });
  const jh = await join(host, hm.id, hm.creator, 'Host');
  assert.deepEqual(await b.next('participant-joined'), joinedView(host, jh.participantId, hm.creator, 'Host', true),
    'the creator (creator_id of the backend-created meeting) can record');
  // A password given for a meeting without one is not a reason to refuse (seed 001 checks it only "if required").
  const jc = await join(c, hm.id, t.id('cat'), 'Cat', { meeting_password: 'not needed' });
  assertMeetingJoined(jc, { meetingId: hm.id, creatorId: hm.creator, name: hm.name });
  for (const x of [b, host]) {
    assert.deepEqual(await x.next('participant-joined'), joinedView(c, jc.participantId, t.id('cat'), 'Cat', false));
  }
  // Only the creator kicks and ends.
  await t.refused(b, 'kick-participant', [{ meetingId: hm.id, participantId: jc.participantId }], 'unauthorized');
  await t.refused(c, 'end-meeting', [{ meetingId: hm.id }], 'unauthorized');
  await t.quiet([b, host, c]);
  assertOkAck(await host.ack('kick-participant', { meetingId: hm.id, participantId: jc.participantId }));
  assert.deepEqual(await c.next('kicked'), { meetingId: hm.id });
  for (const x of [b, host]) {
    assertLeft(await x.next('participant-left'), { participantId: jc.participantId, userName: 'Cat', reason: 'kicked', userId: t.id('cat'), socketId: c.id });
  }
  assertOkAck(await host.ack('end-meeting', { meetingId: hm.id }));
  for (const x of [b, host]) assert.deepEqual(await x.next('meeting-ended'), { meetingId: hm.id });
  await t.quiet([b, host, c]);
  await t.refused(c, 'join-meeting', [{ meetingId: hm.id, userId: t.id('cat'), userName: 'Cat' }], 'meeting_ended', 'Meeting has ended');
});

sc.run();
