'use strict';
// Meeting helpers shared by the meeting scenarios (seed 001 shapes, EVENTS.md "Meetings").

const { assert, assertShape, assertOkAck, short } = require('./harness');

const INITIAL = Object.freeze({ audio: true, video: true, screen: false });

/** A participant as `participants` lists and `participant-joined` carry it (EVENTS.md: plus socketId). */
function participantView(client, participantId, userId, userName, media = INITIAL) {
  return { participantId, userId, userName, socketId: client.id, audio: media.audio, video: media.video, screen: media.screen };
}

/** participant-joined: the participant plus permissions (canRecord only for the creator). */
function joinedView(client, participantId, userId, userName, canRecord) {
  return {
    ...participantView(client, participantId, userId, userName),
    permissions: { canShare: true, canChat: true, canRecord },
  };
}

function assertNoSecret(value, path = 'meeting') {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      assert.ok(!/pass|hash|secret/i.test(k), `${path}.${k}: a password field must never be sent`);
      assertNoSecret(v, `${path}.${k}`);
    }
  }
}

/** The meeting object of meeting-joined: id, name, status, creator, never the password. */
function assertMeeting(meeting, { id, creatorId, name }) {
  assert.ok(meeting && typeof meeting === 'object', `meeting: an object, got ${short(meeting)}`);
  assert.equal(meeting.id, id, 'meeting.id');
  assert.equal(meeting.meeting_status, 'live', 'meeting.meeting_status');
  assert.equal(meeting.creator_id, creatorId, 'meeting.creator_id');
  assert.equal(typeof meeting.meeting_name, 'string', 'meeting.meeting_name');
  if (name !== undefined) assert.equal(meeting.meeting_name, name, 'meeting.meeting_name');
  assertNoSecret(meeting);
}

/**
 * meeting-joined {success:true, meeting, participantId, participants, webrtcConfig:{iceServers}}:
 * exactly these fields; `participants` deep-equal to `expected` (in join order).
 */
function assertMeetingJoined(joined, { meetingId, creatorId, participants, name }) {
  assert.ok(joined && typeof joined === 'object', `meeting-joined: an object, got ${short(joined)}`);
  assert.deepEqual(Object.keys(joined).sort(), ['meeting', 'participantId', 'participants', 'success', 'webrtcConfig'],
    `meeting-joined keys (${short(joined)})`);
  assert.equal(joined.success, true, 'meeting-joined.success');
  assert.equal(typeof joined.participantId, 'string', 'meeting-joined.participantId');
  assert.ok(joined.participantId.length > 0, 'participantId not empty');
  assertMeeting(joined.meeting, { id: meetingId, creatorId, name });
  assert.ok(joined.webrtcConfig && Array.isArray(joined.webrtcConfig.iceServers),
    `webrtcConfig.iceServers is an array (${short(joined.webrtcConfig)})`);
  if (participants !== undefined) {
    assert.deepEqual(joined.participants, participants, `meeting-joined.participants (${short(joined.participants)})`);
  }
  return joined;
}

/** Sends join-meeting as the seed's frontend does (no ack) and waits for meeting-joined. */
async function join(c, meetingId, userId, userName, extra = {}) {
  c.emit('join-meeting', { meetingId, userId, userName, ...extra });
  return c.next('meeting-joined');
}

/** join-meeting with an ack: the ack is {ok:true, participantId} and matches meeting-joined. */
async function joinAck(c, meetingId, userId, userName, extra = {}) {
  const ack = await c.ack('join-meeting', { meetingId, userId, userName, ...extra });
  const joined = await c.next('meeting-joined');
  assertOkAck(ack, { participantId: joined.participantId }, `${c.name} join-meeting ack`);
  return joined;
}

/**
 * Joins each [client, userId, userName] in turn (no ack, as the frontend does) and takes the
 * participant-joined every earlier joiner gets about it. Resolves with the meeting-joined payloads.
 */
async function joinAll(meetingId, joiners) {
  const done = [];
  const results = [];
  for (const [c, userId, userName] of joiners) {
    const joined = await join(c, meetingId, userId, userName);
    for (const earlier of done) {
      await earlier.next('participant-joined', (p) => p.participantId === joined.participantId);
    }
    done.push(c);
    results.push(joined);
  }
  return results;
}

/** participant-left {participantId, userName, reason} (userId / socketId allowed, with the right values). */
function assertLeft(left, { participantId, userName, reason, userId, socketId }) {
  assertShape(left, { participantId, userName, reason }, { userId, socketId }, 'participant-left');
}

module.exports = { INITIAL, participantView, joinedView, assertMeeting, assertMeetingJoined, assertNoSecret, join, joinAck, joinAll, assertLeft };
