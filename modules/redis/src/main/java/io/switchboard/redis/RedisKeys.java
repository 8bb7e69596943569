package io.switchboard.redis;

import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.UserId;
import java.util.Objects;

/**
 * The whole Redis key schema: every key the stores use, under one configurable prefix.
 *
 * <h2>Slots</h2>
 * Each key carries a hash tag, so everything one Lua script touches lies in one Redis Cluster slot:
 * one meeting's keys share <code>{m:&lt;id&gt;}</code>, one room's <code>{r:&lt;id&gt;}</code>, one
 * group's <code>{g:&lt;id&gt;}</code>, one user's <code>{u:&lt;id&gt;}</code>, one call's
 * <code>{c:&lt;id&gt;}</code>, one socket's <code>{s:&lt;socketId&gt;}</code>. No script touches two
 * tags; a command or script is atomic on its own slot only.
 *
 * <h2>Indexes across slots, and why they never lose an entry</h2>
 * Some facts must be found from another slot: the meetings, rooms and group rooms a socket is in
 * (to remove it when it disconnects), a user's sockets (presence: the authority is the socket's
 * own {@link #socketUser} key), a user's groups, a user's calls and connected calls. These
 * reverse indexes are written outside the atomic script, in an order that makes each index a
 * <em>superset</em> of the truth:
 * <ol>
 *   <li>every membership (a join, a registration, a ring) gets a token that is new on every change
 *       (the participant id for meetings, a random id otherwise);
 *   <li>the index entry {@code ["<id>","<token>"]} is written <em>before</em> the script that makes
 *       the membership real;
 *   <li>it is deleted, by that exact token, <em>after</em> the script that ended the membership
 *       (or refused it) returned that token.
 * </ol>
 * Because the entry names its token, deleting it can never drop a later membership of the same
 * socket or user (a rejoin has a new token and its own entry). Readers therefore treat an index as
 * candidates: a user's sockets, groups and calls are checked against the authoritative key before
 * they are returned, and a socket's cleanup ({@code removeSocket}) leaves each candidate room by
 * socket, which is harmless when it was not in. Entries that fail the check are left by an
 * operation that failed half-way (a timeout between its steps) or are still in flight; they are
 * deleted once older than {@link #STALE_INDEX_ENTRY_MS}, never sooner, so an operation in flight
 * never loses its entry. Index values are the writer's wall-clock time in ms for that purpose.
 * The one exception is {@link #userBusy}: its entries are written only after their call
 * connected, so one whose call is gone belongs to nothing in flight and is deleted at once.
 *
 * <h2>Lifetimes</h2>
 * No key has a TTL: a membership lives until it is ended, like in the in-memory stores. Empty
 * hashes, sets and sorted sets vanish by themselves in Redis. Meetings (ended ones too) are never
 * deleted by the store interface, as in memory.
 */
public final class RedisKeys {
  /**
   * An index entry that fails its check is deleted only once it is this old (10 min): much longer
   * than any operation's deadline, so an entry whose operation is still in flight is never taken.
   */
  public static final long STALE_INDEX_ENTRY_MS = 10 * 60 * 1000L;

  private final String prefix;

  public RedisKeys(String prefix) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("the key prefix must not contain braces: " + prefix);
    }
  }

  public String prefix() {
    return prefix;
  }

  private String key(char kind, String id, String name) {
    return prefix + '{' + kind + ':' + id + "}:" + name;
  }

  // ---- one meeting: {m:<id>} --------------------------------------------------------------------

  /**
   * Hash: {@code record} (the meeting as created, JSON, without status), {@code status}
   * ({@code live}|{@code ended}), {@code max} (capacity), {@code seq} (last join sequence number).
   * Lives forever (ended meetings stay, as in memory).
   */
  public String meeting(MeetingId id) {
    return key('m', id.value(), "meeting");
  }

  /** Hash: socket id -> participant (JSON, without media). Lives while the meeting has participants. */
  public String participants(MeetingId id) {
    return key('m', id.value(), "parts");
  }

  /**
   * Hash: socket id -> media flags, three chars {@code 0|1} for audio, video, screen. Same life as
   * {@link #participants}.
   */
  public String media(MeetingId id) {
    return key('m', id.value(), "media");
  }

  /** Sorted set: socket id scored by its join sequence number (join order). Same life as {@link #participants}. */
  public String joinOrder(MeetingId id) {
    return key('m', id.value(), "order");
  }

  /** Hash: participant id -> socket id (kick by participant id). Same life as {@link #participants}. */
  public String participantIds(MeetingId id) {
    return key('m', id.value(), "pids");
  }

  // ---- one mesh room: {r:<id>} ------------------------------------------------------------------

  /** Hash: socket id -> member (JSON with the membership token). Lives while the room has members. */
  public String roomMembers(RoomId id) {
    return key('r', id.value(), "members");
  }

  /** Sorted set: socket id scored by its join sequence number (join order). Same life as {@link #roomMembers}. */
  public String roomOrder(RoomId id) {
    return key('r', id.value(), "order");
  }

  // ---- one group: {g:<id>} ----------------------------------------------------------------------

  /** Hash: user id -> membership token. Lives while the group has members. */
  public String groupMembers(GroupId id) {
    return key('g', id.value(), "members");
  }

  /** Hash: socket id -> node id of the sockets in the group's room. Lives while the room has sockets. */
  public String groupRoom(GroupId id) {
    return key('g', id.value(), "room");
  }

  /** Hash: socket id -> membership token of the sockets in the group's room. Same life as {@link #groupRoom}. */
  public String groupRoomTokens(GroupId id) {
    return key('g', id.value(), "roomtokens");
  }

  // ---- one call: {c:<id>} -----------------------------------------------------------------------

  /**
   * Hash: {@code record} (the call as rung, JSON, without state), {@code token} (new on every
   * ring), {@code state} ({@code ringing}|{@code connected}), {@code answered} (the answering
   * socket, JSON, once connected). Deleted when the call ends.
   */
  public String call(CallId id) {
    return key('c', id.value(), "call");
  }

  // ---- one user: {u:<id>} (reverse indexes, see the class comment) -----------------------------

  /** Hash index: {@code ["<socketId>","<token>"]} -> write time; checked against {@link #socketUser}. */
  public String userSockets(UserId id) {
    return key('u', id.value(), "sockets");
  }

  /** Hash index: {@code ["<groupId>","<token>"]} -> write time; checked against {@link #groupMembers}. */
  public String userGroups(UserId id) {
    return key('u', id.value(), "groups");
  }

  /**
   * Hash index: {@code ["<callId>","<token>"]} -> write time of the calls the user is in (as
   * caller, or callee of a 1:1 call); checked against {@link #call}.
   */
  public String userCalls(UserId id) {
    return key('u', id.value(), "calls");
  }

  /**
   * Hash index: {@code ["<callId>","<token>"]} -> write time of the user's connected calls, written
   * after the call connected; the busy check of a ring reads it in the callee's slot. Checked
   * against {@link #call}.
   */
  public String userBusy(UserId id) {
    return key('u', id.value(), "busy");
  }

  // ---- one socket: {s:<socketId>} ---------------------------------------------------------------

  /**
   * String: the socket's user, the authority of presence: JSON {@code {user, token, node}}. Lives
   * until the socket is unregistered or removed.
   */
  public String socketUser(SocketId id) {
    return key('s', id.value(), "user");
  }

  /** Hash index: {@code ["<meetingId>","<participantId>"]} -> write time; cleared by removeSocket. */
  public String socketMeetings(SocketId id) {
    return key('s', id.value(), "meetings");
  }

  /** Hash index: {@code ["<roomId>","<token>"]} -> write time; cleared by removeSocket. */
  public String socketRooms(SocketId id) {
    return key('s', id.value(), "rooms");
  }

  /** Hash index: {@code ["<groupId>","<token>"]} -> write time of the group rooms; cleared by removeSocket. */
  public String socketGroups(SocketId id) {
    return key('s', id.value(), "groups");
  }

  // ---- one node: {n:<id>}, and the set of known nodes -------------------------------------------

  /** Set: ids of the sockets the node holds. Lives until the node is forgotten (after its cleanup). */
  public String nodeSockets(NodeId node) {
    return key('n', node.value(), "sockets");
  }

  /** String {@code 1} with a TTL: the node's lease; renewed by the node, gone when it stops renewing. */
  public String nodeLease(NodeId node) {
    return key('n', node.value(), "lease");
  }

  /**
   * String: the id of the survivor cleaning up this dead node, with a TTL (a claimant that dies
   * mid-cleanup is replaced when it expires). Deleted when the node is forgotten.
   */
  public String nodeCleanupClaim(NodeId node) {
    return key('n', node.value(), "claim");
  }

  /** Set: every node that ever renewed a lease and is not forgotten yet. Lives forever. */
  public String knownNodes() {
    return prefix + "{nodes}:known";
  }
}
