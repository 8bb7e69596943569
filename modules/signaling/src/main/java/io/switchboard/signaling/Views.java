package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.Participant;
import io.switchboard.signaling.store.RoomMember;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The JSON shapes clients see, with the seeds' field names. One place, so events and the HTTP API agree. */
public final class Views {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Views() {}

  public static ObjectNode object() {
    return F.objectNode();
  }

  /** A meeting as clients see it: never the password. */
  public static ObjectNode meeting(Meeting m) {
    ObjectNode o = F.objectNode();
    o.put("id", m.id().value());
    o.put("meeting_name", m.name());
    o.put("meeting_status", m.status().wire());
    o.put("creator_id", m.creator().value());
    o.put("max_participants", m.maxParticipants());
    o.put("created_at", Instant.ofEpochMilli(m.createdAt()).toString());
    return o;
  }

  /** A participant in {@code participants} lists: ids, name, socket and media state. */
  public static ObjectNode participant(Participant p) {
    ObjectNode o = F.objectNode();
    o.put("participantId", p.id().value());
    o.put("userId", p.user().value());
    o.put("userName", p.userName());
    o.put("socketId", p.socket().id().value());
    o.put("audio", p.media().audio());
    o.put("video", p.media().video());
    o.put("screen", p.media().screen());
    return o;
  }

  public static ArrayNode participants(List<Participant> ps) {
    ArrayNode a = F.arrayNode(ps.size());
    for (Participant p : ps) {
      a.add(participant(p));
    }
    return a;
  }

  /** A mesh room member: seed 000 calls the socket id the user id. */
  public static ObjectNode roomMember(RoomMember m) {
    ObjectNode o = F.objectNode();
    o.put("userId", m.socket().id().value());
    if (m.userName() != null) {
      o.put("userName", m.userName());
    } else {
      o.putNull("userName");
    }
    return o;
  }

  /** A shallow copy of a client's object payload, to which the server adds its fields. */
  public static ObjectNode copyOf(JsonNode payload) {
    ObjectNode o = F.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      o.set(e.getKey(), e.getValue());
    }
    return o;
  }

  public static ObjectNode ok() {
    return F.objectNode();
  }
}
