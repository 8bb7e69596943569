"use strict";
// The reference for Switchboard's benchmarks: what a team builds instead, with the stack it would
// pick, socket.io v4 + @socket.io/redis-adapter (sharded Pub/Sub, one channel per room) + node-redis
// v4 (commands issued in one tick are pipelined automatically). It implements the signaling events
// the load scenarios use, with Switchboard's payload shapes (docs/events.md):
//
//   userOnline(userId) / user-connected(userId)        -> the socket joins the room "user:<id>"
//   call-request {id, from, to, type, offer, timestamp} -> every socket of `to` (as is), or call-failed
//   call-answer {callId, to, answer}, call-end {callId, to}, ice-candidate {candidate, callId, to}
//   join-meeting {meetingId, userId, userName}         -> meeting-joined / participant-joined
//   leave-meeting {meetingId}, disconnect              -> participant-left
//
// Shared state lives in Redis (presence, calls, meetings and their participants) so that any node
// serves any user; the sockets a node holds are its own. Direct messages go to the per-user room
// "user:<id>" (one sharded Pub/Sub channel per room: only the nodes holding that user receive them).
// A join is one Lua script (create on first join, capacity, add, snapshot of the others); the
// joiner's meeting-joined carries that snapshot and exactly the sockets in it get participant-joined,
// so with concurrent joins everybody learns of everybody once (a plain room broadcast would let a
// concurrent joiner hear of someone twice, or not at all). Calls are checked in Redis once, then
// remembered on the socket, so an ice-candidate costs no Redis command besides the adapter's publish.
// Every node is the same process:
//
//   PORT=4001 REDIS_URL=redis://127.0.0.1:6379 node server.js
//
// Settings (environment): PORT (default 4000), HOST (default 127.0.0.1), REDIS_URL (default
// redis://127.0.0.1:6379), REF_MEETING_MAX_PARTICIPANTS (default 100), REF_PREFIX (Redis key prefix,
// default "ref:"), REF_SUBSCRIPTION_MODE (the sharded adapter's subscriptionMode, default "dynamic").
// GET /health/ready answers 200 once Redis is connected. Started with --expose-gc, the process runs a
// full garbage collection on SIGUSR2 (memory measurements only: scripts/loadtest.sh does this).
const http = require("node:http");
const crypto = require("node:crypto");
const { Server } = require("socket.io");
const { createClient } = require("redis");
const { createShardedAdapter } = require("@socket.io/redis-adapter");

const PORT = Number(process.env.PORT || 4000);
const HOST = process.env.HOST || "127.0.0.1";
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const MAX_PARTICIPANTS = Number(process.env.REF_MEETING_MAX_PARTICIPANTS || 100);
const P = process.env.REF_PREFIX || "ref:";
const SUBSCRIPTION_MODE = process.env.REF_SUBSCRIPTION_MODE || "dynamic";
const MAX_ID = 128;
const MAX_NAME = 256;
const CALL_TTL_S = 3600;

// ---- Redis ----------------------------------------------------------------------------------------

// Atomic join: creates the meeting on first join (auto-create, like SWITCHBOARD_MEETINGS_AUTO_CREATE),
// checks status and capacity, adds the participant and returns the meeting and everyone already in,
// in join order, from one snapshot. KEYS: meeting hash, participants hash, join-order zset.
const JOIN_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'id', ARGV[1], 'meeting_name', ARGV[1], 'meeting_status', 'live',
    'creator_id', ARGV[3], 'max_participants', ARGV[5], 'created_at', ARGV[6], 'seq', 0)
end
local m = redis.call('HMGET', KEYS[1], 'id', 'meeting_name', 'meeting_status', 'creator_id', 'max_participants', 'created_at')
if m[3] ~= 'live' then return {'ended'} end
if redis.call('HLEN', KEYS[2]) >= tonumber(m[5]) then return {'full'} end
local ids = redis.call('ZRANGE', KEYS[3], 0, -1)
local others = {}
if #ids > 0 then others = redis.call('HMGET', KEYS[2], unpack(ids)) end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('ZADD', KEYS[3], seq, ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
return {'ok', cjson.encode(m), cjson.encode(others)}
`;
// Removes a participant; returns its record and the socket ids of those still in (or false when it
// was not there).
const LEAVE_LUA = `
local p = redis.call('HGET', KEYS[2], ARGV[1])
if not p then return false end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local ids = redis.call('ZRANGE', KEYS[3], 0, -1)
local others = {}
if #ids > 0 then others = redis.call('HMGET', KEYS[2], unpack(ids)) end
return {p, cjson.encode(others)}
`;

function meetingKeys(id) {
  return [`${P}meeting:{${id}}`, `${P}meeting:{${id}}:participants`, `${P}meeting:{${id}}:order`];
}

// The participant records a script returned (cjson-encoded HMGET results), without `exclude`.
function parseParticipants(encoded, exclude) {
  const list = JSON.parse(encoded);
  const out = [];
  for (const o of Array.isArray(list) ? list : []) {
    if (typeof o !== "string") continue;
    const q = JSON.parse(o);
    if (q.participantId !== exclude) out.push(q);
  }
  return out;
}

// ---- validation -----------------------------------------------------------------------------------

class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const bad = (message) => new Refusal("bad_request", message);

function id(obj, field) {
  const v = obj == null ? undefined : obj[field];
  if (typeof v !== "string" || v.length === 0) throw bad(`${field} is required`);
  if (v.length > MAX_ID) throw new Refusal("too_large", `${field} is longer than ${MAX_ID} characters`);
  return v;
}
function name(obj, field, fallback) {
  const v = obj == null ? undefined : obj[field];
  if (v == null) return fallback;
  if (typeof v !== "string") throw bad(`${field} must be a string`);
  return v.slice(0, MAX_NAME);
}
function object(arg) {
  if (arg == null || typeof arg !== "object" || Array.isArray(arg)) throw bad("payload must be an object");
  return arg;
}

// ---- server ---------------------------------------------------------------------------------------

async function main() {
  const pub = createClient({ url: REDIS_URL });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on("error", (e) => console.error("redis:", e.message));
  await Promise.all([pub.connect(), sub.connect()]);
  const joinSha = await pub.scriptLoad(JOIN_LUA);
  const leaveSha = await pub.scriptLoad(LEAVE_LUA);
  const evalsha = (sha, script, keys, args) =>
    pub.evalSha(sha, { keys, arguments: args }).catch((e) => {
      if (String(e.message).startsWith("NOSCRIPT")) return pub.eval(script, { keys, arguments: args });
      throw e;
    });

  const httpServer = http.createServer((req, res) => {
    if (req.url === "/health/ready" || req.url === "/health/live") {
      const up = pub.isReady && sub.isReady;
      res.writeHead(up ? 200 : 503, { "content-type": "application/json" });
      res.end(up ? '{"status":"UP"}' : '{"status":"DOWN"}');
      return;
    }
    res.writeHead(404).end();
  });
  const io = new Server(httpServer, {
    adapter: createShardedAdapter(pub, sub, { subscriptionMode: SUBSCRIPTION_MODE }),
    cors: { origin: "*" },
  });

  // Runs a handler; a refusal goes back as Switchboard does: `error` {message, code, event} and a
  // negative ack when the client asked for one.
  function on(socket, event, handler) {
    socket.on(event, async (arg, ack) => {
      if (typeof arg === "function") {
        ack = arg;
        arg = undefined;
      }
      try {
        const result = await handler(arg);
        if (typeof ack === "function") ack(Object.assign({ ok: true }, result));
      } catch (e) {
        const code = e instanceof Refusal ? e.code : "internal";
        const message = e instanceof Refusal ? e.message : "Internal error";
        if (!(e instanceof Refusal)) console.error(`${event}:`, e);
        socket.emit("error", { message, code, event });
        if (typeof ack === "function") ack({ ok: false, code, message });
      }
    });
  }

  io.on("connection", (socket) => {
    const me = { user: null, calls: new Map(), meetings: new Map() }; // callId -> other user; meetingId -> participant

    async function register(arg) {
      const user = typeof arg === "string" ? (arg.length ? arg : id({}, "userId")) : id(arg, "userId");
      if (user.length > MAX_ID) throw new Refusal("too_large", "userId is too long");
      if (me.user && me.user !== user) {
        socket.leave(`user:${me.user}`);
        pub.sRem(`${P}presence:${me.user}`, socket.id);
      }
      me.user = user;
      socket.join(`user:${user}`);
      await pub.sAdd(`${P}presence:${user}`, socket.id);
      return { userId: user };
    }
    on(socket, "userOnline", register);
    on(socket, "user-connected", register);

    function requireUser() {
      if (!me.user) throw new Refusal("unauthorized", "Register first (userOnline)");
      return me.user;
    }

    on(socket, "call-request", async (arg) => {
      const p = object(arg);
      const callId = id(p, "id");
      const from = id(p, "from");
      const to = id(p, "to");
      if (p.type !== "video" && p.type !== "voice") throw bad('type must be "video" or "voice"');
      if (requireUser() !== from) throw new Refusal("unauthorized", "Unauthorized call attempt");
      if (to === from) throw bad("A call needs another user");
      // One round trip (auto-pipelined): is `to` online, is `to` busy, and the call stored as ringing.
      const [online, busy, stored] = await Promise.all([
        pub.sCard(`${P}presence:${to}`),
        pub.exists(`${P}incall:${to}`),
        pub.set(`${P}call:${callId}`, JSON.stringify({ caller: from, callee: to, state: "ringing", type: p.type }),
          { NX: true, EX: CALL_TTL_S }),
      ]);
      if (online === 0 || busy || stored === null) {
        const reason = online === 0 ? "offline" : "busy";
        if (stored !== null) pub.del(`${P}call:${callId}`);
        socket.emit("call-failed", { callId, reason });
        return { ok: false, code: reason, callId };
      }
      me.calls.set(callId, to);
      io.to(`user:${to}`).emit("call-request", p);
      return { callId, delivered: online };
    });

    // The call a relay names: known to this socket (it placed or answered it), else looked up once.
    async function relayCall(p, calleeOnly) {
      const self = requireUser();
      const callId = id(p, "callId");
      const to = id(p, "to");
      if (me.calls.get(callId) === to && !calleeOnly) return callId;
      const raw = await pub.get(`${P}call:${callId}`);
      if (!raw) throw new Refusal("not_found", "Call not found");
      const call = JSON.parse(raw);
      const allowed = calleeOnly ? call.callee === self : call.caller === self || call.callee === self;
      const other = call.caller === self ? call.callee : call.caller;
      if (!allowed || other !== to) throw new Refusal("unauthorized", "Unauthorized call attempt");
      return callId;
    }

    on(socket, "call-answer", async (arg) => {
      const p = object(arg);
      const callId = await relayCall(p, true);
      const self = me.user;
      await Promise.all([
        pub.set(`${P}call:${callId}`, JSON.stringify({ caller: p.to, callee: self, state: "connected" }), { EX: CALL_TTL_S }),
        pub.set(`${P}incall:${self}`, callId, { EX: CALL_TTL_S }),
        pub.set(`${P}incall:${p.to}`, callId, { EX: CALL_TTL_S }),
      ]);
      me.calls.set(callId, p.to);
      io.to(`user:${p.to}`).emit("call-answer", p);
      return { callId };
    });

    on(socket, "ice-candidate", async (arg) => {
      const p = object(arg);
      if (typeof p.candidate !== "object" && typeof p.candidate !== "string") throw bad("candidate is required");
      const callId = await relayCall(p, false);
      me.calls.set(callId, p.to);
      io.to(`user:${p.to}`).emit("ice-candidate", p);
      return { callId };
    });

    on(socket, "call-end", async (arg) => {
      const p = object(arg);
      const callId = await relayCall(p, false);
      me.calls.delete(callId);
      await Promise.all([
        pub.del(`${P}call:${callId}`),
        pub.del(`${P}incall:${me.user}`),
        pub.del(`${P}incall:${p.to}`),
      ]);
      io.to(`user:${p.to}`).emit("call-end", p);
      return { callId };
    });

    on(socket, "join-meeting", async (arg) => {
      const p = object(arg);
      const meetingId = id(p, "meetingId");
      const userId = id(p, "userId");
      const userName = name(p, "userName", userId);
      const known = me.meetings.get(meetingId);
      const participantId = known ? known.participantId : crypto.randomUUID();
      const self = { participantId, userId, userName, socketId: socket.id, audio: true, video: true, screen: false };
      const res = await evalsha(joinSha, JOIN_LUA, meetingKeys(meetingId),
        [meetingId, participantId, userId, JSON.stringify(self), String(MAX_PARTICIPANTS), new Date().toISOString()]);
      if (res[0] !== "ok") {
        throw res[0] === "full" ? new Refusal("meeting_full", "Meeting is full")
          : new Refusal("meeting_ended", "Meeting has ended");
      }
      const m = JSON.parse(res[1]);
      const meeting = {
        id: m[0], meeting_name: m[1], meeting_status: m[2], creator_id: m[3],
        max_participants: Number(m[4]), created_at: m[5],
      };
      const participants = parseParticipants(res[2], participantId);
      socket.emit("meeting-joined", {
        success: true, meeting, participantId, participants, webrtcConfig: { iceServers: [] },
      });
      if (!known) {
        me.meetings.set(meetingId, self);
        // Exactly the participants of the snapshot are told (by socket id, wherever they are): the
        // script orders joins, so each pair learns of each other once, from the list or from this.
        if (participants.length > 0) {
          io.to(participants.map((q) => q.socketId)).emit("participant-joined",
            Object.assign({}, self, { permissions: { canShare: true, canChat: true, canRecord: userId === meeting.creator_id } }));
        }
      }
      return { participantId };
    });

    async function leave(meetingId, reason) {
      const self = me.meetings.get(meetingId);
      if (!self) return false;
      me.meetings.delete(meetingId);
      const removed = await evalsha(leaveSha, LEAVE_LUA, meetingKeys(meetingId), [self.participantId]);
      if (removed) {
        const others = parseParticipants(removed[1], self.participantId);
        if (others.length > 0) {
          io.to(others.map((q) => q.socketId)).emit("participant-left", {
            participantId: self.participantId, userName: self.userName, userId: self.userId, socketId: self.socketId, reason,
          });
        }
      }
      return true;
    }

    on(socket, "leave-meeting", async (arg) => {
      const meetingId = id(object(arg), "meetingId");
      if (!(await leave(meetingId, "left"))) throw new Refusal("not_found", "Participant not found");
      return { meetingId };
    });

    socket.on("disconnect", () => {
      for (const meetingId of [...me.meetings.keys()]) {
        leave(meetingId, "disconnected").catch((e) => console.error("leave on disconnect:", e.message));
      }
      if (me.user) {
        pub.sRem(`${P}presence:${me.user}`, socket.id).catch(() => {});
      }
    });
  });

  httpServer.listen(PORT, HOST, () => {
    console.log(`reference: listening on http://${HOST}:${PORT} (redis ${REDIS_URL}, pid ${process.pid})`);
  });
  const stop = () => {
    io.close();
    Promise.allSettled([pub.quit(), sub.quit()]).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGUSR2", () => {
    if (typeof global.gc === "function") global.gc();
  });
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error("reference: failed to start:", e);
  process.exit(1);
});
