package io.switchboard.server.auth;

import static io.switchboard.server.api.SioTestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.api.HttpTestClient;
import io.switchboard.server.api.SioTestClient;
import io.switchboard.server.api.TestNodes;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JWT identity with an HS256 secret, against a real node and the official Java Socket.IO
 * client: the token in {@code auth.token} or {@code ?token=}, refusals as connect errors with a
 * reason, and the token's sub, name and groups as the user.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwtHs256Test {
  static final String SECRET = "hs256-test-secret-" + UUID.randomUUID();

  private static TestVertx testVertx;
  private static Vertx mintVertx;
  private static JWTAuth mint;
  private static SwitchboardNode node;
  private static HttpTestClient http;
  private final List<SioTestClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    testVertx = TestVertx.create();
    mintVertx = Vertx.vertx();
    mint = JWTAuth.create(mintVertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    node = TestNodes.start(testVertx, "SWITCHBOARD_JWT_SECRET", SECRET);
    http = new HttpTestClient(node.port(), Map.of());
  }

  @AfterAll
  static void stop() {
    try {
      http.close();
      TestVertx.await(node.stop());
      TestVertx.await(mintVertx.close());
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SioTestClient::close);
    clients.clear();
  }

  static String token(String sub, String name, JsonArray groups, int expiresInSeconds) {
    JsonObject claims = new JsonObject().put("sub", sub);
    if (name != null) {
      claims.put("name", name);
    }
    if (groups != null) {
      claims.put("groups", groups);
    }
    return mint.generateToken(claims, new JWTOptions().setExpiresInSeconds(expiresInSeconds));
  }

  private SioTestClient connect(Consumer<io.socket.client.IO.Options> tweak) {
    SioTestClient c = SioTestClient.connect(node.port(), tweak);
    clients.add(c);
    return c;
  }

  private SioTestClient withToken(String token) {
    return connect(o -> o.auth = Map.of("token", token));
  }

  private static JSONObject refusal(Consumer<io.socket.client.IO.Options> tweak) throws Exception {
    JSONObject error = SioTestClient.connectError(node.port(), tweak);
    assertEquals("Unauthorized", error.getString("message"), error::toString);
    assertEquals("unauthorized", error.getJSONObject("data").getString("code"));
    return error.getJSONObject("data");
  }

  @Test
  void aValidTokenInAuthConnectsAndIsTheUser() throws Exception {
    SioTestClient alice = withToken(token("alice", "Alice A", null, 300));
    JSONObject ack = alice.request("userOnline", "alice");
    assertTrue(ack.getBoolean("ok"), ack::toString);
    assertEquals("alice", ack.getString("userId"));
    assertTrue(http.get("/api/users/alice/presence").json().get("online").asBoolean());
  }

  @Test
  void aValidTokenInTheQueryConnects() throws Exception {
    String t = token("quinn", null, null, 300);
    SioTestClient q = connect(o -> o.query = "token=" + URLEncoder.encode(t, StandardCharsets.UTF_8));
    assertTrue(q.request("joinVideoRoom", json("userId", "quinn")).getBoolean("ok"));
    SioTestClient polling = connect(o -> {
      o.transports = new String[] {"polling"};
      o.query = "token=" + t;
    });
    assertTrue(polling.request("userOnline", "quinn").getBoolean("ok"));
    assertEquals(2, http.get("/api/users/quinn/presence").json().get("sockets").asInt());
  }

  @Test
  void aBearerPrefixAndAHandMadeTokenAreAccepted() throws Exception {
    String byHand = Tokens.hs256(SECRET, new JsonObject().put("sub", "hand").put("exp", Tokens.now() + 60));
    SioTestClient c = withToken("Bearer " + byHand);
    assertEquals("hand", c.request("userOnline", "hand").getString("userId"));
  }

  @Test
  void aDeclaredIdOtherThanTheTokensIsUnauthorized() throws Exception {
    SioTestClient bob = withToken(token("bob", "Bob", null, 300));
    JSONObject ack = bob.request("userOnline", "mallory");
    assertFalse(ack.getBoolean("ok"));
    assertEquals("unauthorized", ack.getString("code"));
    JSONObject error = bob.awaitObject("error");
    assertEquals("unauthorized", error.getString("code"));
    assertEquals("Unauthorized", error.getString("message"));
    assertEquals("userOnline", error.getString("event"));
    assertFalse(http.get("/api/users/mallory/presence").json().get("online").asBoolean(), "nothing registered");

    JSONObject call = bob.request("call-request", json("id", "c1", "from", "mallory", "to", "bob", "type", "video",
        "offer", json("type", "offer", "sdp", "v=0"), "timestamp", 1));
    assertFalse(call.getBoolean("ok"), call::toString);
    assertEquals("unauthorized", call.getString("code"));
  }

  @Test
  void aMissingTokenIsRefused() throws Exception {
    assertEquals(JwtIdentityProvider.TOKEN_MISSING, refusal(o -> {}).getString("reason"));
    assertEquals(JwtIdentityProvider.TOKEN_MISSING, refusal(o -> o.auth = Map.of("token", "  ")).getString("reason"));
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    String expired = mint.generateToken(new JsonObject().put("sub", "old").put("exp", Tokens.now() - 30));
    assertEquals(JwtIdentityProvider.TOKEN_EXPIRED, refusal(o -> o.auth = Map.of("token", expired)).getString("reason"));
    assertEquals(JwtIdentityProvider.TOKEN_EXPIRED, refusal(o -> o.query = "token=" + expired).getString("reason"));
  }

  @Test
  void badTokensAreRefused() throws Exception {
    String otherSecret = Tokens.hs256("another-secret-of-enough-length-123", new JsonObject().put("sub", "eve"));
    String none = Tokens.unsigned(new JsonObject().put("sub", "eve"));
    String noSub = mint.generateToken(new JsonObject().put("name", "nobody"));
    String tampered = token("eve", null, null, 300);
    String[] parts = tampered.split("\\.");
    String forged = parts[0] + "." + Tokens.b64(new JsonObject().put("sub", "admin").encode().getBytes(StandardCharsets.UTF_8))
        + "." + parts[2];
    String notYet = mint.generateToken(new JsonObject().put("sub", "eve").put("nbf", Tokens.now() + 600));
    for (String bad : new String[] {otherSecret, none, forged, "garbage", "a.b.c", notYet}) {
      assertEquals(JwtIdentityProvider.TOKEN_INVALID, refusal(o -> o.auth = Map.of("token", bad)).getString("reason"),
          bad);
    }
    assertEquals(JwtIdentityProvider.CLAIMS_INVALID, refusal(o -> o.auth = Map.of("token", noSub)).getString("reason"));
  }

  @Test
  void theTokensNameIsTheParticipantsName() throws Exception {
    String meeting = http.post("/api/meetings", "{\"meeting_name\":\"m\",\"creator_id\":\"host\"}").json().get("id").asText();
    SioTestClient host = withToken(token("host", "The Host", null, 300));
    assertTrue(host.request("join-meeting", json("meetingId", meeting)).getBoolean("ok"));
    SioTestClient guest = withToken(token("guest", "Guest G", null, 300));
    JSONObject ack = guest.request("join-meeting", json("meetingId", meeting, "userId", "guest", "userName", "Fake Name"));
    assertTrue(ack.getBoolean("ok"), ack::toString);
    JSONObject joined = host.awaitObject("participant-joined");
    assertEquals("guest", joined.getString("userId"));
    assertEquals("Guest G", joined.getString("userName"), "the token's name, not the declared one");

    JSONObject spoof = guest.request("join-meeting", json("meetingId", meeting, "userId", "host"));
    assertEquals("unauthorized", spoof.getString("code"));
    JSONObject end = guest.request("end-meeting", json("meetingId", meeting));
    assertEquals("unauthorized", end.getString("code"), "only the creator (by token) may end it");
  }

  @Test
  void theGroupsClaimMakesMemberships() throws Exception {
    String group = "claim-" + UUID.randomUUID();
    SioTestClient carol = withToken(token("carol", "Carol", new JsonArray().add(group), 300));
    assertTrue(carol.request("userOnline", "carol").getBoolean("ok"));
    assertEquals(List.of(group), io.switchboard.server.api.HttpApiTestAccess.strings(
        http.get("/api/users/carol/groups").json().get("groups")));
    SioTestClient dave = withToken(token("dave", "Dave", new JsonArray().add(group), 300));
    dave.request("userOnline", "dave");
    dave.request("sendGroupMessage", json("groupId", group, "text", "from dave"));
    assertEquals("from dave", carol.awaitObject("receiveGroupMessage").getString("text"));

    String badGroups = mint.generateToken(new JsonObject().put("sub", "x").put("groups", "not-an-array"));
    assertEquals(JwtIdentityProvider.CLAIMS_INVALID, refusal(o -> o.auth = Map.of("token", badGroups)).getString("reason"));
  }

  @Test
  void issuerAudienceAndACustomGroupsClaimAreChecked() throws Exception {
    TestVertx other = TestVertx.create();
    SwitchboardNode strict = TestNodes.start(other, "SWITCHBOARD_JWT_SECRET", SECRET,
        "SWITCHBOARD_JWT_ISSUER", "https://id.example", "SWITCHBOARD_JWT_AUDIENCE", "switchboard,other",
        "SWITCHBOARD_JWT_GROUPS_CLAIM", "https://app.example/groups", "SWITCHBOARD_JWT_LEEWAY_S", "120");
    try {
      JsonObject base = new JsonObject().put("sub", "ivy").put("iss", "https://id.example")
          .put("aud", new JsonArray().add("nobody").add("switchboard"))
          .put("https://app.example/groups", new JsonArray().add("ops"));
      SioTestClient ok = SioTestClient.connect(strict.port(), o -> o.auth = Map.of("token", mint.generateToken(base)));
      clients.add(ok);
      assertTrue(ok.request("userOnline", "ivy").getBoolean("ok"));
      try (HttpTestClient strictHttp = new HttpTestClient(strict.port(), Map.of())) {
        assertEquals(List.of("ops"), io.switchboard.server.api.HttpApiTestAccess.strings(
            strictHttp.get("/api/users/ivy/groups").json().get("groups")));
      }
      String withinLeeway = mint.generateToken(base.copy().put("exp", Tokens.now() - 60));
      clients.add(SioTestClient.connect(strict.port(), o -> o.auth = Map.of("token", withinLeeway)));

      for (JsonObject bad : new JsonObject[] {
          base.copy().put("iss", "https://evil.example"), copyWithout(base, "iss"),
          base.copy().put("aud", "nobody"), copyWithout(base, "aud")}) {
        String t = mint.generateToken(bad);
        JSONObject error = SioTestClient.connectError(strict.port(), o -> o.auth = Map.of("token", t));
        assertEquals(JwtIdentityProvider.CLAIMS_INVALID, error.getJSONObject("data").getString("reason"), bad::encode);
      }
      String pastLeeway = mint.generateToken(base.copy().put("exp", Tokens.now() - 200));
      assertEquals(JwtIdentityProvider.TOKEN_EXPIRED, SioTestClient.connectError(strict.port(),
          o -> o.auth = Map.of("token", pastLeeway)).getJSONObject("data").getString("reason"));
    } finally {
      clients.forEach(SioTestClient::close);
      clients.clear();
      TestVertx.await(strict.stop());
      other.assertNoBlockedThreads();
      other.close();
    }
  }

  private static JsonObject copyWithout(JsonObject o, String key) {
    JsonObject c = o.copy();
    c.remove(key);
    return c;
  }
}
