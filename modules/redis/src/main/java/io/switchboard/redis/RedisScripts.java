package io.switchboard.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Every Lua script the stores run. Each one touches the keys of one hash slot only (one meeting,
 * one room, one group, one call, one user or one socket: see {@link RedisKeys}), all passed in
 * {@code KEYS}, so it works on Redis Cluster. Replies never contain nil inside an array (Lua
 * would cut the array there): a missing value is {@code ''}.
 */
final class RedisScripts {
  private RedisScripts() {}

  /** A script, its SHA-1 (what EVALSHA names it by) and how many keys it takes. */
  record Script(String name, int keys, String source, String sha) {
    static Script of(String name, int keys, String source) {
      return new Script(name, keys, source, sha1(source));
    }
  }

  /** Helpers shared by the scripts that list members in join order. */
  private static final String ORDERED = """
      local function append(t, xs)
        for _, x in ipairs(xs) do t[#t + 1] = x end
        return t
      end
      -- the values of hash h in the order of sorted set o, without member skip
      local function inOrder(h, o, skip)
        local out = {}
        local ids = redis.call('ZRANGE', o, 0, -1)
        if #ids == 0 then return out end
        local all = redis.call('HGETALL', h)
        local byId = {}
        for i = 1, #all, 2 do byId[all[i]] = all[i + 1] end
        for _, id in ipairs(ids) do
          if id ~= skip then out[#out + 1] = byId[id] or '' end
        end
        return out
      end
      -- pairs (value of h, value of h2) in the order of sorted set o, without member skip
      local function inOrder2(h, h2, o, skip)
        local out = {}
        local ids = redis.call('ZRANGE', o, 0, -1)
        if #ids == 0 then return out end
        local all = redis.call('HGETALL', h)
        local all2 = redis.call('HGETALL', h2)
        local byId, byId2 = {}, {}
        for i = 1, #all, 2 do byId[all[i]] = all[i + 1] end
        for i = 1, #all2, 2 do byId2[all2[i]] = all2[i + 1] end
        for _, id in ipairs(ids) do
          if id ~= skip then
            out[#out + 1] = byId[id] or ''
            out[#out + 1] = byId2[id] or ''
          end
        end
        return out
      end
      """;

  // ---- meetings: KEYS of one meeting -------------------------------------------------------------

  /** KEYS meeting; ARGV record, status, max. 1 when stored, 0 when a meeting had the id. */
  static final Script MEETING_CREATE = Script.of("meeting_create", 1, """
      if redis.call('HEXISTS', KEYS[1], 'record') == 1 then return 0 end
      redis.call('HSET', KEYS[1], 'record', ARGV[1], 'status', ARGV[2], 'max', ARGV[3])
      return 1
      """);

  /**
   * KEYS meeting, parts, media, order, pids; ARGV socket, participant id, participant, media,
   * '1' to refuse a meeting with a password (else '0'), then optionally the record, status and
   * max of a meeting to create when none exists (as {@link #MEETING_CREATE}).
   * {'not_found'} | {'ended'} | {'password', record, status} | {'full'}
   * | {'joined', record, status, others (participant, media)...}
   * | {'already', record, status, participant, media, others...}.
   */
  static final Script MEETING_JOIN = Script.of("meeting_join", 5, ORDERED + """
      local m = redis.call('HMGET', KEYS[1], 'record', 'status', 'max')
      if not m[1] then
        if not ARGV[6] then return {'not_found'} end
        redis.call('HSET', KEYS[1], 'record', ARGV[6], 'status', ARGV[7], 'max', ARGV[8])
        m = {ARGV[6], ARGV[7], ARGV[8]}
      end
      if m[2] ~= 'live' then return {'ended'} end
      if ARGV[5] == '1' and cjson.decode(m[1])['passwordHash'] then return {'password', m[1], m[2]} end
      local sid = ARGV[1]
      local mine = redis.call('HGET', KEYS[2], sid)
      if mine then
        local head = {'already', m[1], m[2], mine, redis.call('HGET', KEYS[3], sid) or ''}
        return append(head, inOrder2(KEYS[2], KEYS[3], KEYS[4], sid))
      end
      if redis.call('HLEN', KEYS[2]) >= tonumber(m[3]) then return {'full'} end
      local others = inOrder2(KEYS[2], KEYS[3], KEYS[4], nil)
      local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
      redis.call('HSET', KEYS[2], sid, ARGV[3])
      redis.call('HSET', KEYS[3], sid, ARGV[4])
      redis.call('ZADD', KEYS[4], seq, sid)
      redis.call('HSET', KEYS[5], ARGV[2], sid)
      return append({'joined', m[1], m[2]}, others)
      """);

  /**
   * KEYS parts, media, order, pids; ARGV 'socket'|'participant', its id.
   * nil when not in, else {participant, media, remaining (participant, media)...}.
   */
  static final Script MEETING_LEAVE = Script.of("meeting_leave", 4, ORDERED + """
      local sid = ARGV[2]
      if ARGV[1] == 'participant' then
        sid = redis.call('HGET', KEYS[4], ARGV[2])
        if not sid then return false end
      end
      local p = redis.call('HGET', KEYS[1], sid)
      if not p then return false end
      local pid = cjson.decode(p)['id']
      if ARGV[1] == 'participant' and pid ~= ARGV[2] then return false end
      local md = redis.call('HGET', KEYS[2], sid) or ''
      redis.call('HDEL', KEYS[1], sid)
      redis.call('HDEL', KEYS[2], sid)
      redis.call('ZREM', KEYS[3], sid)
      redis.call('HDEL', KEYS[4], pid)
      return append({p, md}, inOrder2(KEYS[1], KEYS[2], KEYS[3], nil))
      """);

  /** KEYS parts, media, order. {(participant, media)...} in join order. */
  static final Script MEETING_PARTICIPANTS = Script.of("meeting_participants", 3, ORDERED + """
      return inOrder2(KEYS[1], KEYS[2], KEYS[3], nil)
      """);

  /** KEYS parts, media; ARGV socket. nil or {participant, media}. */
  static final Script MEETING_PARTICIPANT = Script.of("meeting_participant", 2, """
      local p = redis.call('HGET', KEYS[1], ARGV[1])
      if not p then return false end
      return {p, redis.call('HGET', KEYS[2], ARGV[1]) or ''}
      """);

  /**
   * KEYS parts, media; ARGV socket, then audio, video, screen each '1', '0' or '-' (unchanged).
   * nil when not in, else {participant, media after the merge}.
   */
  static final Script MEETING_MEDIA = Script.of("meeting_media", 2, """
      local p = redis.call('HGET', KEYS[1], ARGV[1])
      if not p then return false end
      local cur = redis.call('HGET', KEYS[2], ARGV[1]) or '000'
      local out = ''
      for i = 1, 3 do
        local change = ARGV[i + 1]
        if change == '-' then out = out .. string.sub(cur, i, i) else out = out .. change end
      end
      redis.call('HSET', KEYS[2], ARGV[1], out)
      return {p, out}
      """);

  /**
   * KEYS meeting, parts, media, order, pids. Marks the meeting ended and removes everyone.
   * nil when unknown, else {record, removed (participant, media)... in join order}.
   */
  static final Script MEETING_END = Script.of("meeting_end", 5, ORDERED + """
      local record = redis.call('HGET', KEYS[1], 'record')
      if not record then return false end
      redis.call('HSET', KEYS[1], 'status', 'ended')
      local out = append({record}, inOrder2(KEYS[2], KEYS[3], KEYS[4], nil))
      redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
      return out
      """);

  // ---- mesh rooms: KEYS of one room --------------------------------------------------------------

  /**
   * KEYS members, order; ARGV socket, member, capacity.
   * {'full'} | {'joined', others...} | {'already', others...}, others in join order.
   */
  /**
   * KEYS[1] node cleanup claim; ARGV claimant, ttl ms. Takes the claim when free or already ours
   * (renewing it); returns 1 when held by the claimant afterwards, 0 otherwise.
   */
  static final Script NODE_CLAIM = Script.of("node_claim", 1, """
      local holder = redis.call('GET', KEYS[1])
      if holder == false or holder == ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
      end
      return 0
      """);

  static final Script ROOM_JOIN = Script.of("room_join", 2, ORDERED + """
      local sid = ARGV[1]
      if redis.call('HEXISTS', KEYS[1], sid) == 1 then
        return append({'already'}, inOrder(KEYS[1], KEYS[2], sid))
      end
      if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return {'full'} end
      local others = inOrder(KEYS[1], KEYS[2], nil)
      local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
      local seq = 1
      if last[2] then seq = tonumber(last[2]) + 1 end
      redis.call('HSET', KEYS[1], sid, ARGV[2])
      redis.call('ZADD', KEYS[2], seq, sid)
      return append({'joined'}, others)
      """);

  /** KEYS members, order; ARGV socket. nil when not in, else {removed, remaining...}. */
  static final Script ROOM_LEAVE = Script.of("room_leave", 2, ORDERED + """
      local removed = redis.call('HGET', KEYS[1], ARGV[1])
      if not removed then return false end
      redis.call('HDEL', KEYS[1], ARGV[1])
      redis.call('ZREM', KEYS[2], ARGV[1])
      return append({removed}, inOrder(KEYS[1], KEYS[2], nil))
      """);

  /** KEYS members, order. The members in join order. */
  static final Script ROOM_MEMBERS = Script.of("room_members", 2, ORDERED + """
      return inOrder(KEYS[1], KEYS[2], nil)
      """);

  // ---- presence: KEYS of one socket --------------------------------------------------------------

  /** KEYS socket user; ARGV user. Deletes the mapping if it is that user's; returns it, or nil. */
  static final Script PRESENCE_UNREGISTER = Script.of("presence_unregister", 1, """
      local v = redis.call('GET', KEYS[1])
      if not v then return false end
      if cjson.decode(v)['user'] ~= ARGV[1] then return false end
      redis.call('DEL', KEYS[1])
      return v
      """);

  // ---- groups: KEYS of one group -----------------------------------------------------------------

  /** KEYS members; ARGV user. Removes the member; returns its membership token, or nil. */
  static final Script GROUP_REMOVE = Script.of("group_remove", 1, """
      local t = redis.call('HGET', KEYS[1], ARGV[1])
      if not t then return false end
      redis.call('HDEL', KEYS[1], ARGV[1])
      return t
      """);

  /**
   * KEYS members; ARGV user, token, user, token... (the new members with fresh tokens).
   * Replaces the members; returns {removed {user, token...}, unused {user, token...}}: the members
   * dropped, and the new tokens not used because the user was a member already.
   */
  static final Script GROUP_SET = Script.of("group_set", 1, """
      local want = {}
      for i = 1, #ARGV, 2 do want[ARGV[i]] = true end
      local had = {}
      local removed, unused = {}, {}
      local old = redis.call('HGETALL', KEYS[1])
      for i = 1, #old, 2 do
        if want[old[i]] then
          had[old[i]] = true
        else
          redis.call('HDEL', KEYS[1], old[i])
          removed[#removed + 1] = old[i]
          removed[#removed + 1] = old[i + 1]
        end
      end
      for i = 1, #ARGV, 2 do
        if had[ARGV[i]] then
          unused[#unused + 1] = ARGV[i]
          unused[#unused + 1] = ARGV[i + 1]
        else
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
        end
      end
      return {removed, unused}
      """);

  /**
   * KEYS room, room tokens; ARGV socket, node, token. Puts the socket in (its node updated);
   * returns the token it already had, or nil when it is new (and now has ARGV token).
   */
  static final Script GROUP_ROOM_JOIN = Script.of("group_room_join", 2, """
      local t = redis.call('HGET', KEYS[2], ARGV[1])
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      if t then return t end
      redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
      return false
      """);

  /** KEYS room, room tokens; ARGV socket. Takes it out; returns its token, or nil when it was not in. */
  static final Script GROUP_ROOM_LEAVE = Script.of("group_room_leave", 2, """
      local t = redis.call('HGET', KEYS[2], ARGV[1])
      if not t then return false end
      redis.call('HDEL', KEYS[1], ARGV[1])
      redis.call('HDEL', KEYS[2], ARGV[1])
      return t
      """);

  // ---- calls: KEYS of one call, or of one user ---------------------------------------------------

  /** KEYS call; ARGV record, token. 1 when stored ringing, 0 when the id exists. */
  static final Script CALL_CREATE = Script.of("call_create", 1, """
      if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
      redis.call('HSET', KEYS[1], 'record', ARGV[1], 'token', ARGV[2], 'state', 'ringing')
      return 1
      """);

  /** KEYS call; ARGV answering socket. Ringing to connected; {record, token}, or nil (nothing changed). */
  static final Script CALL_CONNECT = Script.of("call_connect", 1, """
      local c = redis.call('HMGET', KEYS[1], 'record', 'token', 'state')
      if not c[1] or c[3] ~= 'ringing' then return false end
      redis.call('HSET', KEYS[1], 'state', 'connected', 'answered', ARGV[1])
      return {c[1], c[2]}
      """);

  /**
   * KEYS call; ARGV '1' to end only a ringing call, '0' for any. Deletes it; returns
   * {record, token, state, answered or ''}, or nil (nothing changed).
   */
  static final Script CALL_END = Script.of("call_end", 1, """
      local c = redis.call('HMGET', KEYS[1], 'record', 'token', 'state', 'answered')
      if not c[1] then return false end
      if ARGV[1] == '1' and c[3] ~= 'ringing' then return false end
      redis.call('DEL', KEYS[1])
      return {c[1], c[2], c[3], c[4] or ''}
      """);

  /**
   * KEYS callee's calls, callee's busy; ARGV index field, write time, then busy fields known to be
   * stale. The busy check and the callee's index entry, atomic in the callee's slot:
   * {'busy', busy fields...} (nothing written) or {'ok'} (entry written).
   */
  static final Script CALL_RING_CALLEE = Script.of("call_ring_callee", 2, """
      local stale = {}
      for i = 3, #ARGV do stale[ARGV[i]] = true end
      local busy = {'busy'}
      for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do
        if not stale[f] then busy[#busy + 1] = f end
      end
      if #busy > 1 then return busy end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      return {'ok'}
      """);

  /** Every script, to load at start (and on every master of a cluster). */
  static final List<Script> ALL = List.of(
      MEETING_CREATE, MEETING_JOIN, MEETING_LEAVE, MEETING_PARTICIPANTS, MEETING_PARTICIPANT, MEETING_MEDIA,
      MEETING_END, ROOM_JOIN, ROOM_LEAVE, ROOM_MEMBERS, PRESENCE_UNREGISTER, GROUP_REMOVE, GROUP_SET,
      GROUP_ROOM_JOIN, GROUP_ROOM_LEAVE, CALL_CREATE, CALL_CONNECT, CALL_END, CALL_RING_CALLEE, NODE_CLAIM);

  private static String sha1(String source) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JVM", e);
    }
  }
}
