'use strict';
// Helpers for the call, group and chat scenarios (seeds 002, 003, 004; EVENTS.md "Calls by user id").

const { assert, assertShape } = require('./harness');

const REGISTRATIONS = ['userOnline', 'user-connected', 'joinVideoRoom'];

/**
 * Registers `c` as `userId` with one of the three registration events (userOnline(userId),
 * user-connected(userId), joinVideoRoom({userId})); the ack is exactly {ok:true, userId}.
 */
async function register(c, userId, how = 'userOnline') {
  const arg = how === 'joinVideoRoom' ? { userId } : userId;
  const ack = await c.ack(how, arg);
  assertShape(ack, { ok: true, userId }, {}, `${c.name} ${how} ack`);
  c.userId = userId;
  return ack;
}

/** Seed 002's 1:1 callData. */
function videoCallData(t, caller, receiver) {
  return {
    roomName: t.id('call-room'),
    callerId: caller.userId,
    callerName: caller.name,
    receiverId: receiver.userId,
    receiverName: receiver.name,
    isGroupCall: false,
    timestamp: new Date().toISOString(),
  };
}

/** Seed 002's group callData. */
function groupCallData(t, caller, groupId) {
  return {
    roomName: t.id('group-call-room'),
    callerId: caller.userId,
    callerName: caller.name,
    isGroupCall: true,
    groupId,
    timestamp: new Date().toISOString(),
  };
}

/** incomingVideoCall is {...callData, callId}: every sent field kept, a callId added. */
function assertIncoming(incoming, callData, what = 'incomingVideoCall') {
  assert.ok(incoming && typeof incoming.callId === 'string' && incoming.callId.length > 0, `${what}: callId (${JSON.stringify(incoming)})`);
  assertShape(incoming, { ...callData, callId: incoming.callId }, {}, what);
  return incoming.callId;
}

/** Seed 004's call-request. */
function callRequest(t, from, to, type = 'video') {
  return {
    id: t.id('call'),
    from,
    to,
    type,
    offer: { type: 'offer', sdp: 'v=0\r\no=- 20518 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=msid-semantic: WMS ü\r\n' },
    timestamp: Date.now(),
  };
}

module.exports = { REGISTRATIONS, register, videoCallData, groupCallData, assertIncoming, callRequest };
