package io.switchboard.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.ServerConfig;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.api.HttpTestClient.Response;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every route of the HTTP API over real HTTP against a real node with an API key: results, each
 * error status, the key, CORS, and that refused requests change nothing.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpApiTest {
  static final String KEY = "test-api-key-" + UUID.randomUUID();
  static final String APP = "https://app.example";

  private static TestVertx testVertx;
  private static SwitchboardNode node;
  private static HttpTestClient http;
  private static HttpTestClient anonymous;

  @BeforeAll
  static void start() {
    testVertx = TestVertx.create();
    node = TestNodes.start(testVertx,
        "SWITCHBOARD_API_KEY", KEY,
        "SWITCHBOARD_API_MAX_BODY_BYTES", "4096",
        "SWITCHBOARD_CORS_ORIGINS", APP + ",https://admin.example",
        "SWITCHBOARD_MAX_ID_LENGTH", "64");
    http = new HttpTestClient(node.port(), Map.of("Authorization", "Bearer " + KEY));
    anonymous = new HttpTestClient(node.port(), Map.of());
  }

  @AfterAll
  static void stop() {
    try {
      http.close();
      anonymous.close();
      TestVertx.await(node.stop());
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  // ---- meetings ---------------------------------------------------------------------------------

  @Test
  void createsAMeetingWithAGeneratedId() {
    long before = System.currentTimeMillis();
    Response r = http.post("/api/meetings", "{\"meeting_name\":\" Standup \",\"creator_id\":\"alice\"}");
    assertEquals(201, r.status(), r::toString);
    assertTrue(r.headers().get("Content-Type").startsWith("application/json"));
    JsonNode m = r.json();
    String id = m.get("id").asText();
    assertEquals(id, UUID.fromString(id).toString(), "a UUID");
    assertEquals("Standup", m.get("meeting_name").asText());
    assertEquals("live", m.get("meeting_status").asText());
    assertEquals("alice", m.get("creator_id").asText());
    assertEquals(100, m.get("max_participants").asInt(), "the default capacity");
    long created = Instant.parse(m.get("created_at").asText()).toEpochMilli();
    assertTrue(created >= before - 1000 && created <= System.currentTimeMillis() + 1000, "created_at is now");
    assertEquals(List.of("created_at", "creator_id", "id", "max_participants", "meeting_name", "meeting_status"),
        fields(m));
    assertEquals("/api/meetings/" + id, r.headers().get("Location"));
  }

  @Test
  void createsAMeetingWithItsIdCapacityAndPasswordNeverShown() {
    String id = "m-" + UUID.randomUUID();
    Response r = http.post("/api/meetings", "{\"id\":\"" + id + "\",\"meeting_name\":\"Board\",\"creator_id\":\"bob\","
        + "\"password\":\"s3cret\",\"max_participants\":3}");
    assertEquals(201, r.status(), r::toString);
    assertEquals(id, r.json().get("id").asText());
    assertEquals(3, r.json().get("max_participants").asInt());
    assertFalse(r.text().contains("s3cret") || r.text().contains("password") || r.text().contains("$2"), r.text());

    Response got = http.get("/api/meetings/" + id);
    assertEquals(200, got.status(), got::toString);
    assertEquals("Board", got.json().get("meeting_name").asText());
    assertEquals("live", got.json().get("meeting_status").asText());
    assertTrue(got.json().get("participants").isArray());
    assertEquals(0, got.json().get("participants").size());
    assertFalse(got.text().contains("password") || got.text().contains("$2"), got.text());
  }

  @Test
  void refusesMissingFieldsAndBadTypesWith400AndStoresNothing() {
    String id = "bad-" + UUID.randomUUID();
    String[] bodies = {
        "{\"id\":\"" + id + "\",\"creator_id\":\"a\"}",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"x\"}",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"   \",\"creator_id\":\"a\"}",
        "{\"id\":\"" + id + "\",\"meeting_name\":7,\"creator_id\":\"a\"}",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":{\"a\":1}}",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\",\"password\":5}",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\",\"max_participants\":\"10\"}",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\",\"max_participants\":0}",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\",\"max_participants\":2.5}",
        "{\"id\":[\"" + id + "\"],\"meeting_name\":\"x\",\"creator_id\":\"a\"}",
        "[{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\"}]",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\"",
        "not json",
        "",
    };
    for (String body : bodies) {
      Response r = http.post("/api/meetings", body);
      assertEquals(400, r.status(), () -> body + " -> " + r);
      assertEquals("bad_request", r.errorCode(), () -> body + " -> " + r);
      assertNotNull(r.json().get("error").get("message").asText());
    }
    assertEquals(404, http.get("/api/meetings/" + id).status(), "nothing was created");
  }

  @Test
  void refusesOversizedIdsNamesAndBodies() {
    String longId = "x".repeat(65);
    Response r = http.post("/api/meetings", "{\"id\":\"" + longId + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\"}");
    assertEquals(400, r.status(), r::toString);
    assertEquals("too_large", r.errorCode());
    assertEquals(404, http.get("/api/meetings/" + "y".repeat(64)).status());
    Response longPath = http.get("/api/meetings/" + longId);
    assertEquals(400, longPath.status(), longPath::toString);
    assertEquals("too_large", longPath.errorCode());

    Response name = http.post("/api/meetings", "{\"meeting_name\":\"" + "n".repeat(257) + "\",\"creator_id\":\"a\"}");
    assertEquals(400, name.status(), name::toString);
    assertEquals("too_large", name.errorCode());

    Response big = http.post("/api/meetings", "{\"meeting_name\":\"x\",\"creator_id\":\"a\",\"pad\":\"" + "p".repeat(5000)
        + "\"}");
    assertEquals(400, big.status(), big::toString);
    assertEquals("too_large", big.errorCode());
  }

  @Test
  void anExistingIdIs409() {
    String id = "dup-" + UUID.randomUUID();
    assertEquals(201, http.post("/api/meetings", "{\"id\":\"" + id + "\",\"meeting_name\":\"first\",\"creator_id\":\"a\"}")
        .status());
    Response again = http.post("/api/meetings", "{\"id\":\"" + id + "\",\"meeting_name\":\"second\",\"creator_id\":\"b\"}");
    assertEquals(409, again.status(), again::toString);
    assertEquals("conflict", again.errorCode());
    assertEquals("first", http.get("/api/meetings/" + id).json().get("meeting_name").asText(), "unchanged");
  }

  @Test
  void unknownMeetingsAre404() {
    Response get = http.get("/api/meetings/nope-" + UUID.randomUUID());
    assertEquals(404, get.status());
    assertEquals("not_found", get.errorCode());
    assertEquals("Meeting not found", get.json().get("error").get("message").asText());
    Response end = http.post("/api/meetings/nope/end", null);
    assertEquals(404, end.status(), end::toString);
    assertEquals("not_found", end.errorCode());
    Response kick = http.delete("/api/meetings/nope/participants/p1");
    assertEquals(404, kick.status(), kick::toString);
    assertEquals("not_found", kick.errorCode());
  }

  @Test
  void endsAMeetingAndKickOfAnUnknownParticipantIs404() {
    String id = created();
    Response kick = http.delete("/api/meetings/" + id + "/participants/nobody");
    assertEquals(404, kick.status(), kick::toString);
    assertEquals("Participant not found", kick.json().get("error").get("message").asText());

    Response end = http.post("/api/meetings/" + id + "/end", null);
    assertEquals(200, end.status(), end::toString);
    assertEquals("ended", end.json().get("meeting_status").asText());
    assertEquals(0, end.json().get("participants_removed").asInt());
    assertEquals("ended", http.get("/api/meetings/" + id).json().get("meeting_status").asText());
  }

  // ---- groups and users -------------------------------------------------------------------------

  @Test
  void groupMembershipRoutes() {
    String g = "g-" + UUID.randomUUID();
    String u = "u-" + UUID.randomUUID();
    Response put = http.put("/api/groups/" + g + "/members", "{\"memberIds\":[\"" + u + "\",\"v\",\"w\",\"v\"]}");
    assertEquals(200, put.status(), put::toString);
    assertEquals(g, put.json().get("groupId").asText());
    assertEquals(List.of(u, "v", "w").stream().sorted().toList(), strings(put.json().get("memberIds")));
    assertEquals(List.of(g), strings(http.get("/api/users/" + u + "/groups").json().get("groups")));

    Response replace = http.put("/api/groups/" + g + "/members", "{\"memberIds\":[\"v\"]}");
    assertEquals(List.of("v"), strings(replace.json().get("memberIds")));
    assertEquals(List.of(), strings(http.get("/api/users/" + u + "/groups").json().get("groups")));

    Response add = http.post("/api/groups/" + g + "/members", "{\"userId\":\"" + u + "\"}");
    assertEquals(200, add.status(), add::toString);
    assertTrue(add.json().get("added").asBoolean());
    assertFalse(http.post("/api/groups/" + g + "/members", "{\"userId\":\"" + u + "\"}").json().get("added").asBoolean());
    assertEquals(List.of(u, "v").stream().sorted().toList(),
        strings(http.get("/api/groups/" + g + "/members").json().get("memberIds")));

    Response remove = http.delete("/api/groups/" + g + "/members/" + u);
    assertEquals(200, remove.status(), remove::toString);
    assertTrue(remove.json().get("removed").asBoolean());
    assertFalse(http.delete("/api/groups/" + g + "/members/" + u).json().get("removed").asBoolean());
    assertEquals(List.of(), strings(http.get("/api/users/" + u + "/groups").json().get("groups")));
    assertEquals(List.of("v"), strings(http.get("/api/groups/" + g + "/members").json().get("memberIds")));
  }

  @Test
  void badGroupBodiesAre400AndChangeNothing() {
    String g = "g-" + UUID.randomUUID();
    assertEquals(200, http.put("/api/groups/" + g + "/members", "{\"memberIds\":[\"keep\"]}").status());
    String[] puts = {"{}", "{\"memberIds\":\"keep\"}", "{\"memberIds\":[\"a\",{\"b\":1}]}", "{\"memberIds\":[\"a\",\"\"]}",
        "{\"memberIds\":[null]}", "[]", "nope"};
    for (String body : puts) {
      Response r = http.put("/api/groups/" + g + "/members", body);
      assertEquals(400, r.status(), () -> body + " -> " + r);
      assertEquals("bad_request", r.errorCode(), () -> body + " -> " + r);
    }
    Response tooLong = http.put("/api/groups/" + g + "/members", "{\"memberIds\":[\"" + "z".repeat(65) + "\"]}");
    assertEquals(400, tooLong.status());
    assertEquals("too_large", tooLong.errorCode());
    for (String body : new String[] {"{}", "{\"userId\":true}", "{\"userId\":\" \"}"}) {
      Response r = http.post("/api/groups/" + g + "/members", body);
      assertEquals(400, r.status(), () -> body + " -> " + r);
    }
    assertEquals(List.of("keep"), strings(http.get("/api/groups/" + g + "/members").json().get("memberIds")));
  }

  @Test
  void presenceOfAnOfflineUser() {
    Response r = http.get("/api/users/nobody-" + UUID.randomUUID() + "/presence");
    assertEquals(200, r.status(), r::toString);
    assertFalse(r.json().get("online").asBoolean());
    assertEquals(0, r.json().get("sockets").asInt());
    assertEquals(List.of("online", "sockets"), fields(r.json()));
  }

  @Test
  void unknownRoutesAre404Json() {
    Response r = http.get("/api/nothing/here");
    assertEquals(404, r.status());
    assertEquals("not_found", r.errorCode());
    Response method = http.send(HttpMethod.PATCH, "/api/meetings", "{}", Map.of());
    assertEquals(404, method.status());
    assertEquals("not_found", method.errorCode());
  }

  // ---- API key and CORS -------------------------------------------------------------------------

  @Test
  void theApiKeyIsRequired() {
    String id = "k-" + UUID.randomUUID();
    String body = "{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\"}";
    Response none = anonymous.post("/api/meetings", body);
    assertEquals(401, none.status(), none::toString);
    assertEquals("unauthorized", none.errorCode());
    assertEquals("Missing API key", none.json().get("error").get("message").asText());
    assertTrue(none.headers().get("WWW-Authenticate").startsWith("Bearer"));

    for (String header : new String[] {"Bearer wrong", "Bearer " + KEY + "x", "Basic " + KEY, KEY, "Bearer"}) {
      Response wrong = anonymous.send(HttpMethod.POST, "/api/meetings", body, Map.of("Authorization", header));
      assertEquals(401, wrong.status(), () -> header + " -> " + wrong);
      assertEquals("unauthorized", wrong.errorCode());
    }
    for (String path : new String[] {"/api/meetings/" + id, "/api/users/u/presence", "/api/users/u/groups"}) {
      assertEquals(401, anonymous.get(path).status(), path);
    }
    assertEquals(401, anonymous.put("/api/groups/g/members", "{\"memberIds\":[]}").status());
    assertEquals(401, anonymous.delete("/api/meetings/" + id + "/participants/p").status());
    assertEquals(404, http.get("/api/meetings/" + id).status(), "the refused create stored nothing");

    Response lowerCase = anonymous.send(HttpMethod.POST, "/api/meetings", body, Map.of("Authorization", "bearer " + KEY));
    assertEquals(201, lowerCase.status(), "the scheme is case-insensitive");
  }

  @Test
  void corsPreflightAndAnswersForAllowedOrigins() {
    Response preflight = anonymous.send(HttpMethod.OPTIONS, "/api/meetings", null, Map.of(
        "Origin", APP,
        "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "authorization, content-type"));
    assertEquals(204, preflight.status(), preflight::toString);
    assertEquals(APP, preflight.headers().get("Access-Control-Allow-Origin"));
    assertTrue(preflight.headers().get("Access-Control-Allow-Methods").contains("PUT"));
    assertTrue(preflight.headers().get("Access-Control-Allow-Methods").contains("DELETE"));
    assertEquals("authorization, content-type", preflight.headers().get("Access-Control-Allow-Headers"));
    assertEquals("Origin", preflight.headers().get("Vary"));

    Response get = http.send(HttpMethod.GET, "/api/users/u/presence", null, Map.of("Origin", APP));
    assertEquals(200, get.status());
    assertEquals(APP, get.headers().get("Access-Control-Allow-Origin"));
    Response refused = anonymous.send(HttpMethod.GET, "/api/users/u/presence", null, Map.of("Origin", APP));
    assertEquals(401, refused.status());
    assertEquals(APP, refused.headers().get("Access-Control-Allow-Origin"), "the browser may read the 401");
    Response noOrigin = http.get("/api/users/u/presence");
    assertNull(noOrigin.headers().get("Access-Control-Allow-Origin"));
  }

  @Test
  void corsRefusesOtherOrigins() {
    Response preflight = anonymous.send(HttpMethod.OPTIONS, "/api/meetings", null, Map.of(
        "Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));
    assertEquals(403, preflight.status());
    assertNull(preflight.headers().get("Access-Control-Allow-Origin"));
    String id = "o-" + UUID.randomUUID();
    Response post = http.send(HttpMethod.POST, "/api/meetings",
        "{\"id\":\"" + id + "\",\"meeting_name\":\"x\",\"creator_id\":\"a\"}", Map.of("Origin", "https://evil.example"));
    assertEquals(403, post.status());
    assertEquals("unauthorized", post.errorCode());
    assertEquals(404, http.get("/api/meetings/" + id).status());
  }

  // ---- without a key ----------------------------------------------------------------------------

  @Test
  void withoutAKeyTheApiIsOpenAndTheNodeWarns() {
    List<LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(HttpApi.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(capture);
    SwitchboardNode open;
    try {
      open = TestVertx.await(SwitchboardNode.start(testVertx.vertx(), ServerConfig.fromEnv(Map.of("PORT", "0"))));
    } finally {
      logger.removeHandler(capture);
    }
    assertTrue(records.stream().anyMatch(r -> r.getLevel() == java.util.logging.Level.WARNING
        && r.getMessage().contains("SWITCHBOARD_API_KEY")), () -> "records: " + records.stream()
        .map(LogRecord::getMessage).collect(Collectors.joining("; ")));
    try (HttpTestClient client = new HttpTestClient(open.port(), Map.of())) {
      Response r = client.post("/api/meetings", "{\"meeting_name\":\"open\",\"creator_id\":\"a\"}");
      assertEquals(201, r.status(), r::toString);
      Response cors = client.send(HttpMethod.OPTIONS, "/api/meetings", null, Map.of(
          "Origin", "https://any.example", "Access-Control-Request-Method", "POST"));
      assertEquals(204, cors.status());
      assertEquals("https://any.example", cors.headers().get("Access-Control-Allow-Origin"), "* allows any origin");
    } finally {
      TestVertx.await(open.stop());
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static String created() {
    Response r = http.post("/api/meetings", "{\"meeting_name\":\"m\",\"creator_id\":\"owner\"}");
    assertEquals(201, r.status(), r::toString);
    return r.json().get("id").asText();
  }

  static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  static List<String> fields(JsonNode object) {
    List<String> names = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    names.sort(null);
    return names;
  }
}
