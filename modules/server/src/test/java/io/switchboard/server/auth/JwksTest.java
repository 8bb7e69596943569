package io.switchboard.server.auth;

import static io.switchboard.server.api.SioTestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.api.SioTestClient;
import io.switchboard.server.api.TestNodes;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JWT identity with RS256 keys from a JWK set served over HTTP by a tiny test server, against a
 * real node and the official Java Socket.IO client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwksTest {
  private static TestVertx testVertx;
  private static JwksServer jwks;
  private static KeyPair key;
  private static KeyPair stranger;
  private static SwitchboardNode node;
  private final List<SioTestClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    testVertx = TestVertx.create();
    key = Tokens.rsaKeyPair();
    stranger = Tokens.rsaKeyPair();
    jwks = new JwksServer();
    jwks.publish(Tokens.jwk(key, "k1"));
    node = TestNodes.start(testVertx, "SWITCHBOARD_JWKS_URL", jwks.url());
  }

  @AfterAll
  static void stop() {
    try {
      TestVertx.await(node.stop());
      jwks.close();
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

  private static String token(KeyPair pair, String kid, String sub, long expiresIn) {
    return Tokens.rs256(pair.getPrivate(), kid, new JsonObject().put("sub", sub).put("name", sub + " name")
        .put("iat", Tokens.now()).put("exp", Tokens.now() + expiresIn));
  }

  private SioTestClient withToken(String token) {
    SioTestClient c = SioTestClient.connect(node.port(), o -> o.auth = Map.of("token", token));
    clients.add(c);
    return c;
  }

  private static String reason(String token) throws Exception {
    JSONObject error = SioTestClient.connectError(node.port(), o -> o.auth = Map.of("token", token));
    assertEquals("Unauthorized", error.getString("message"));
    return error.getJSONObject("data").getString("reason");
  }

  @Test
  void aTokenSignedByAPublishedKeyConnectsAndKeysAreCached() throws Exception {
    SioTestClient rita = withToken(token(key, "k1", "rita", 300));
    JSONObject ack = rita.request("userOnline", "rita");
    assertTrue(ack.getBoolean("ok"), ack::toString);
    assertEquals("rita", ack.getString("userId"));
    JSONObject spoof = rita.request("joinVideoRoom", json("userId", "sam"));
    assertFalse(spoof.getBoolean("ok"));
    assertEquals("unauthorized", spoof.getString("code"));
    assertEquals("unauthorized", rita.awaitObject("error").getString("code"));

    String viaQuery = token(key, "k1", "sam", 300);
    SioTestClient sam = SioTestClient.connect(node.port(), o -> o.query = "token=" + viaQuery);
    clients.add(sam);
    assertEquals("sam", sam.request("userOnline", "sam").getString("userId"));
    // A token without kid is checked against every key held.
    withToken(Tokens.rs256(key.getPrivate(), null, new JsonObject().put("sub", "tom")));
    assertEquals(1, jwks.fetches(), "the key set was fetched once and cached");
  }

  @Test
  void refusedTokens() throws Exception {
    assertEquals(JwtIdentityProvider.TOKEN_EXPIRED, reason(token(key, "k1", "old", -60)));
    assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(token(stranger, "k1", "eve", 300)), "wrong key, known kid");
    assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(Tokens.hs256("some-secret",
        new JsonObject().put("sub", "eve"))), "an HS256 token is not accepted by a JWKS node");
    assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(Tokens.unsigned(new JsonObject().put("sub", "eve"))));
    assertEquals(JwtIdentityProvider.TOKEN_MISSING, SioTestClient.connectError(node.port(), o -> {})
        .getJSONObject("data").getString("reason"));
    int before = jwks.fetches();
    // An unknown kid may mean rotated keys, but the set was fetched moments ago: no new fetch.
    assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(token(stranger, "unknown-kid", "eve", 300)));
    assertEquals(before, jwks.fetches(), "fetches are rate limited");
  }

  @Test
  void groupsFromAnRs256Token() throws Exception {
    String t = Tokens.rs256(key.getPrivate(), "k1", new JsonObject().put("sub", "uma")
        .put("groups", new JsonArray().add("rs-group")));
    SioTestClient uma = withToken(t);
    uma.request("userOnline", "uma");
    // With verified identities only members write to a group that has members: vic is one too.
    SioTestClient vic = withToken(Tokens.rs256(key.getPrivate(), "k1", new JsonObject().put("sub", "vic")
        .put("groups", new JsonArray().add("rs-group"))));
    vic.request("userOnline", "vic");
    vic.request("sendGroupMessage", json("groupId", "rs-group", "text", "hi uma"));
    assertEquals("hi uma", uma.awaitObject("receiveGroupMessage").getString("text"));
  }
}
