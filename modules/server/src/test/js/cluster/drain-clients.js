'use strict';
// Not a scenario: the clients of ClusterFaultTest's drain. Connects `count` official clients to one
// node (websocket, polling and polling-then-upgrade in turn), joins each to a meeting, registers the
// first as a user, then sends SIGTERM to the node's process (the pid the test started) and records
// how each client is disconnected. Prints one JSON line:
//   {"participants":[...],"sockets":[...],"sigtermAt":<epoch ms>,"disconnects":[{"name","transport","reason","ms"}]}
// Exit 0 when it could run (the test checks the outcome), 1 when the setup failed.
//   node cluster/drain-clients.js <node-url> <pid> <meetingId> <count> <userId>

const { io } = require('socket.io-client');

const [url, pidArg, meetingId, countArg, userId] = process.argv.slice(2);
const pid = Number(pidArg);
const count = Number(countArg);
const STEP_MS = 5000;
const transports = ['websocket', 'polling', 'upgrade'];
setTimeout(() => {
  process.stderr.write('drain-clients: whole run over 30 s\n');
  process.exit(1);
}, 30000);

function connect(i) {
  const transport = transports[i % transports.length];
  const socket = io(url, {
    forceNew: true,
    reconnection: false,
    transports: transport === 'websocket' ? ['websocket'] : ['polling', 'websocket'],
    upgrade: transport === 'upgrade',
    timeout: STEP_MS,
  });
  const c = { name: `d${i}`, transport, socket, reason: null, at: 0 };
  socket.on('disconnect', (reason) => {
    c.reason = reason;
    c.at = Date.now();
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(c));
    socket.once('connect_error', (e) => reject(new Error(`${c.name}: connect_error ${e.message}`)));
  });
}

(async () => {
  const clients = await Promise.all(Array.from({ length: count }, (_, i) => connect(i)));
  const participants = [];
  for (const c of clients) {
    const ack = await c.socket.timeout(STEP_MS).emitWithAck('join-meeting', { meetingId, userId: `${c.name}-${meetingId}`, userName: c.name });
    if (!ack || !ack.ok) throw new Error(`${c.name}: join-meeting refused ${JSON.stringify(ack)}`);
    participants.push(ack.participantId);
  }
  const reg = await clients[0].socket.timeout(STEP_MS).emitWithAck('userOnline', userId);
  if (!reg || !reg.ok) throw new Error(`userOnline refused ${JSON.stringify(reg)}`);
  // Upgrades settle before the signal, so each client is on the transport it names.
  const deadline = Date.now() + STEP_MS;
  while (clients.some((c) => c.transport === 'upgrade' && c.socket.io.engine.transport.name !== 'websocket') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const sockets = clients.map((c) => c.socket.id);
  const sigtermAt = Date.now();
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + 15000;
  while (clients.some((c) => c.reason === null) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const out = {
    participants,
    sockets,
    sigtermAt,
    disconnects: clients.map((c) => ({ name: c.name, transport: c.transport, reason: c.reason, ms: c.reason === null ? null : c.at - sigtermAt })),
  };
  for (const c of clients) c.socket.disconnect();
  process.stdout.write(JSON.stringify(out) + '\n');
  setTimeout(() => process.exit(0), 20);
})().catch((e) => {
  process.stderr.write(`drain-clients: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
