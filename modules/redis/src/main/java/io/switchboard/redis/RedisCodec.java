package io.switchboard.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallFlavor;
import io.switchboard.signaling.store.CallState;
import io.switchboard.signaling.store.MediaState;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.MeetingStatus;
import io.switchboard.signaling.store.Participant;
import io.switchboard.signaling.store.RoomMember;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How records are written in Redis: compact JSON with short, stable field names (the stored
 * format; renaming a field is a migration). Values come back exactly as stored.
 */
final class RedisCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RedisCodec() {}

  /** A fresh membership token (see {@link RedisKeys}): random, never reused. */
  static String token() {
    return UUID.randomUUID().toString();
  }

  // ---- Redis replies ---------------------------------------------------------------------------

  static String str(Response r) {
    return r == null ? null : r.toString();
  }

  static List<String> strings(Response r) {
    List<String> out = new ArrayList<>(r == null ? 0 : r.size());
    if (r != null) {
      for (Response item : r) {
        out.add(item == null ? null : item.toString());
      }
    }
    return out;
  }

  // ---- index entries: field ["<id>","<token>"], value = write time -----------------------------

  /** The field of an index entry: a JSON array, so no id can be mistaken for another. */
  static String indexField(String id, String token) {
    return write(JSON.createArrayNode().add(id).add(token));
  }

  /** One index entry as read back. */
  record IndexEntry(String field, String id, String token, long writtenAt) {
    boolean staleAt(long now) {
      return now - writtenAt > RedisKeys.STALE_INDEX_ENTRY_MS;
    }
  }

  /** The entries of an HGETALL of an index hash (RESP2: field, value, field, value...). */
  static List<IndexEntry> indexEntries(Response hgetall) {
    return indexEntries(strings(hgetall));
  }

  static List<IndexEntry> indexEntries(List<String> flat) {
    List<IndexEntry> out = new ArrayList<>(flat.size() / 2);
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      JsonNode f = read(flat.get(i));
      long at;
      try {
        at = Long.parseLong(flat.get(i + 1));
      } catch (NumberFormatException e) {
        at = 0;
      }
      out.add(new IndexEntry(flat.get(i), f.get(0).asText(), f.get(1).asText(), at));
    }
    return out;
  }

  // ---- meetings --------------------------------------------------------------------------------

  /** The meeting as created, without its status (a field of its own). */
  static String meetingRecord(Meeting m) {
    ObjectNode o = JSON.createObjectNode()
        .put("id", m.id().value())
        .put("name", m.name())
        .put("creator", m.creator().value())
        .put("max", m.maxParticipants())
        .put("createdAt", m.createdAt());
    if (m.passwordHash() != null) {
      o.put("passwordHash", m.passwordHash());
    }
    return write(o);
  }

  static Meeting meeting(String record, String status) {
    JsonNode o = read(record);
    JsonNode hash = o.get("passwordHash");
    return new Meeting(MeetingId.of(o.get("id").asText()), o.get("name").asText(), MeetingStatus.fromWire(status),
        UserId.of(o.get("creator").asText()), o.get("max").asInt(), hash == null ? null : hash.asText(),
        o.get("createdAt").asLong());
  }

  /** The participant without its media (a hash of its own, so a media merge is atomic). */
  static String participant(Participant p) {
    return write(JSON.createObjectNode()
        .put("id", p.id().value())
        .put("meeting", p.meeting().value())
        .put("socket", p.socket().id().value())
        .put("node", p.socket().node().value())
        .put("user", p.user().value())
        .put("userName", p.userName())
        .put("joinedAt", p.joinedAt()));
  }

  static Participant participant(String json, String media) {
    JsonNode o = read(json);
    return new Participant(ParticipantId.of(o.get("id").asText()), MeetingId.of(o.get("meeting").asText()),
        socketRef(o), UserId.of(o.get("user").asText()), o.get("userName").asText(), media(media),
        o.get("joinedAt").asLong());
  }

  /** Media as three flags, audio video screen: {@code "110"}. */
  static String media(MediaState m) {
    return flag(m.audio()) + flag(m.video()) + flag(m.screen());
  }

  static MediaState media(String flags) {
    if (flags == null || flags.length() != 3) {
      throw new IllegalStateException("bad media flags in Redis: " + flags);
    }
    return new MediaState(flags.charAt(0) == '1', flags.charAt(1) == '1', flags.charAt(2) == '1');
  }

  /** A media patch field for the merge script: '1', '0' or '-' (unchanged). */
  static String patch(Boolean b) {
    return b == null ? "-" : flag(b);
  }

  private static String flag(boolean b) {
    return b ? "1" : "0";
  }

  /** Participants from a flat list (participant, media, participant, media...) starting at {@code from}. */
  static List<Participant> participants(List<String> flat, int from) {
    List<Participant> out = new ArrayList<>((flat.size() - from) / 2);
    for (int i = from; i + 1 < flat.size(); i += 2) {
      out.add(participant(flat.get(i), flat.get(i + 1)));
    }
    return out;
  }

  // ---- mesh rooms ------------------------------------------------------------------------------

  /** A room member together with its membership token. */
  record TokenedMember(RoomMember member, String token) {}

  static String roomMember(RoomMember m, String token) {
    ObjectNode o = JSON.createObjectNode()
        .put("token", token)
        .put("socket", m.socket().id().value())
        .put("node", m.socket().node().value())
        .put("joinedAt", m.joinedAt());
    if (m.userName() != null) {
      o.put("userName", m.userName());
    }
    return write(o);
  }

  static TokenedMember roomMember(String json) {
    JsonNode o = read(json);
    JsonNode name = o.get("userName");
    RoomMember m = new RoomMember(socketRef(o), name == null ? null : name.asText(), o.get("joinedAt").asLong());
    return new TokenedMember(m, o.get("token").asText());
  }

  static List<RoomMember> roomMembers(List<String> jsons, int from) {
    List<RoomMember> out = new ArrayList<>(jsons.size() - from);
    for (int i = from; i < jsons.size(); i++) {
      out.add(roomMember(jsons.get(i)).member());
    }
    return out;
  }

  // ---- presence --------------------------------------------------------------------------------

  /** The authority of presence: a socket's user, with the registration token and the socket's node. */
  record SocketOwner(UserId user, String token, NodeId node) {}

  static String socketOwner(UserId user, String token, NodeId node) {
    return write(JSON.createObjectNode().put("user", user.value()).put("token", token).put("node", node.value()));
  }

  static SocketOwner socketOwner(String json) {
    if (json == null) {
      return null;
    }
    JsonNode o = read(json);
    return new SocketOwner(UserId.of(o.get("user").asText()), o.get("token").asText(),
        NodeId.of(o.get("node").asText()));
  }

  // ---- calls -----------------------------------------------------------------------------------

  /** The call as rung, without its state, answer and token (fields of their own). */
  static String callRecord(Call c) {
    ObjectNode o = JSON.createObjectNode()
        .put("id", c.id().value())
        .put("flavor", c.flavor().name())
        .put("caller", c.caller().value())
        .set("callerSocket", socketRef(c.callerSocket()));
    if (c.callee() != null) {
      o.put("callee", c.callee().value());
    }
    if (c.group() != null) {
      o.put("group", c.group().value());
    }
    if (c.data() != null) {
      o.set("data", c.data());
    }
    o.put("createdAt", c.createdAt());
    o.put("owner", c.owner().value());
    return write(o);
  }

  static Call call(String record, String state, String answered) {
    JsonNode o = read(record);
    JsonNode callee = o.get("callee");
    JsonNode group = o.get("group");
    return new Call(CallId.of(o.get("id").asText()), CallFlavor.valueOf(o.get("flavor").asText()),
        UserId.of(o.get("caller").asText()), socketRef(o.get("callerSocket")),
        callee == null ? null : UserId.of(callee.asText()), group == null ? null : GroupId.of(group.asText()),
        callState(state), o.get("data"), o.get("createdAt").asLong(), NodeId.of(o.get("owner").asText()),
        answered == null || answered.isEmpty() ? null : socketRef(read(answered)));
  }

  static String callState(CallState s) {
    return s == CallState.RINGING ? "ringing" : "connected";
  }

  static CallState callState(String s) {
    return switch (s) {
      case "ringing" -> CallState.RINGING;
      case "connected" -> CallState.CONNECTED;
      default -> throw new IllegalStateException("unknown call state in Redis: " + s);
    };
  }

  static String socketRefJson(SocketRef s) {
    return write(socketRef(s));
  }

  private static ObjectNode socketRef(SocketRef s) {
    return JSON.createObjectNode().put("socket", s.id().value()).put("node", s.node().value());
  }

  private static SocketRef socketRef(JsonNode o) {
    return new SocketRef(SocketId.of(o.get("socket").asText()), NodeId.of(o.get("node").asText()));
  }

  // ---- JSON ------------------------------------------------------------------------------------

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("bad JSON in Redis: " + e.getOriginalMessage());
    }
  }
}
