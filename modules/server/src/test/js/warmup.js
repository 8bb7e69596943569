'use strict';
// Not a scenario: exercises the main paths once (both transports, meetings with a password,
// rooms, relays, registration, calls, groups, chat, refusals) against a throwaway node before the
// scenarios start, so a cold JVM loads its classes here and not while a scenario's node is
// watched for blocked event loops. Best effort: always exits 0 unless it could not run at all.
//   node warmup.js <server-url>[,<server-url>...] [meetingId password]
// With several URLs (nodes of one cluster) the two clients connect to different nodes, so the
// inter-node paths warm up too.

const { io } = require('socket.io-client');

const urls = process.argv[2].split(',');
const [meetingId, password] = process.argv.slice(3);
const deadline = setTimeout(() => process.exit(0), 15000);
let turn = 0;

function client(transport) {
  return io(urls[turn++ % urls.length], { forceNew: true, reconnection: false, transports: transport === 'polling' ? ['polling'] : ['websocket'] });
}

function ack(s, event, ...args) {
  return s.timeout(3000).emitWithAck(event, ...args).catch(() => null);
}

(async () => {
  const a = client('websocket');
  const b = client('polling');
  await Promise.all([a, b].map((s) => new Promise((r) => (s.connected ? r() : s.once('connect', r)))));
  for (let round = 0; round < 3; round++) {
    const m = `${meetingId || 'warm'}`;
    await ack(a, 'join-meeting', { meetingId: m, userId: 'warm-a', userName: 'A', meeting_password: password });
    await ack(b, 'join-meeting', { meetingId: m, userId: 'warm-b', userName: 'B', meeting_password: 'wrong' });
    await ack(b, 'join-meeting', { meetingId: m, userId: 'warm-b', userName: 'B', meeting_password: password });
    await ack(a, 'media-state-change', { meetingId: m, mediaState: { audio: false } });
    await ack(a, 'offer', { meetingId: m, offer: { type: 'offer', sdp: 'v=0\r\n' } });
    await ack(b, 'leave-meeting', { meetingId: m });
    await ack(a, 'join-room', { roomId: `warm-room-${round}`, userName: 'A' });
    await ack(b, 'join-room', { roomId: `warm-room-${round}`, userName: 'B' });
    await ack(a, 'ice-candidate', { roomId: `warm-room-${round}`, candidate: { candidate: 'c', sdpMid: '0' }, targetUserId: b.id });
    await ack(a, 'userOnline', 'warm-a');
    await ack(b, 'user-connected', 'warm-b');
    await ack(a, 'groupCreated', { groupId: 'warm-g', memberIds: ['warm-a', 'warm-b'] });
    await ack(a, 'sendMessage', { to: 'warm-b', text: 'x' });
    await ack(a, 'sendGroupMessage', { groupId: 'warm-g', text: 'x' });
    await ack(a, 'initiateVideoCall', { roomName: 'r', callerId: 'warm-a', callerName: 'A', receiverId: 'warm-b', receiverName: 'B', isGroupCall: false });
    await ack(a, 'endVideoCall', { roomName: 'r', callerId: 'warm-a', receiverId: 'warm-b', isGroupCall: false });
    await ack(a, 'call-request', { id: `warm-call-${round}`, from: 'warm-a', to: 'warm-b', type: 'video', offer: { type: 'offer', sdp: 'v=0\r\n' }, timestamp: 1 });
    await ack(a, 'call-end', { callId: `warm-call-${round}`, to: 'warm-b' });
    await ack(a, 'join-room', {});
    await ack(a, 'offer', { roomId: 'nowhere', offer: 'x' });
  }
  a.disconnect();
  b.disconnect();
  clearTimeout(deadline);
  setTimeout(() => process.exit(0), 50);
})().catch((e) => {
  process.stderr.write(`warm-up: ${e && e.stack ? e.stack : e}\n`);
  process.exit(0);
});
