package io.switchboard.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.protocol.engine.EngineHandshake;
import io.switchboard.protocol.socketio.ConnectError;
import io.switchboard.protocol.socketio.SocketHandshake;
import io.switchboard.signaling.Identity;
import io.switchboard.signaling.Limits;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token placement and claim reading, table by table, without a network. */
class JwtIdentityProviderTest {
  static final String SECRET = "unit-test-secret-with-32-bytes-or-more!";
  private static TestVertx testVertx;
  private static JwtIdentityProvider provider;

  @BeforeAll
  static void start() {
    // The key set is fetched on the node's event loops: load the HTTP client's classes first.
    io.switchboard.server.api.TestNodes.warmUp();
    testVertx = TestVertx.create();
    provider = new JwtIdentityProvider(new SecretKeySource(testVertx.vertx(), SECRET), JwtConfig.open(),
        new Limits(16, 10, 256, 65_536, 4_096, 262_144), System::currentTimeMillis);
  }

  @AfterAll
  static void stop() {
    try {
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  private static SocketHandshake handshake(JsonNode auth, String queryToken) {
    Map<String, String> query = new HashMap<>();
    if (queryToken != null) {
      query.put("token", queryToken);
    }
    return new SocketHandshake(auth, new EngineHandshake(query, Map.of(), "127.0.0.1", false, 0));
  }

  private static JsonNode auth(String token) {
    return JsonNodeFactory.instance.objectNode().put("token", token);
  }

  private static Identity identify(JsonObject claims) {
    return TestVertx.await(provider.identify(handshake(auth(Tokens.hs256(SECRET, claims)), null)));
  }

  private static String reason(SocketHandshake h) {
    ConnectError e = assertThrows(ConnectError.class, () -> TestVertx.await(provider.identify(h)));
    assertEquals("Unauthorized", e.getMessage());
    return e.data().get("reason").asText();
  }

  private static String reason(JsonObject claims) {
    return reason(handshake(auth(Tokens.hs256(SECRET, claims)), null));
  }

  @Test
  void whereTheTokenIsTaken() {
    String good = Tokens.hs256(SECRET, new JsonObject().put("sub", "a"));
    String other = Tokens.hs256(SECRET, new JsonObject().put("sub", "b"));
    assertEquals(good, JwtIdentityProvider.tokenOf(handshake(auth(good), other)), "auth wins over the query");
    assertEquals(other, JwtIdentityProvider.tokenOf(handshake(JsonNodeFactory.instance.objectNode(), other)));
    assertEquals(good, JwtIdentityProvider.tokenOf(handshake(auth("bearer " + good), null)));
    assertNull(JwtIdentityProvider.tokenOf(handshake(JsonNodeFactory.instance.objectNode(), null)));
    assertNull(JwtIdentityProvider.tokenOf(handshake(auth(""), " ")));
    assertEquals("b", TestVertx.await(provider.identify(handshake(JsonNodeFactory.instance.objectNode(), other)))
        .user().value());
    assertEquals(JwtIdentityProvider.TOKEN_INVALID,
        reason(handshake(JsonNodeFactory.instance.objectNode().put("token", 42), null)));
    assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(handshake(auth("x".repeat(20_000)), null)));
    assertEquals(JwtIdentityProvider.TOKEN_MISSING, reason(handshake(JsonNodeFactory.instance.nullNode(), null)));
  }

  @Test
  void claimsBecomeTheIdentity() {
    Identity id = identify(new JsonObject().put("sub", "u1").put("name", "  A very long name  ")
        .put("groups", new JsonArray().add("g1").add(7)));
    assertEquals("u1", id.user().value());
    assertEquals("A very lon", id.name(), "stripped and cut to the name limit");
    assertEquals(Set.of(GroupId.of("g1"), GroupId.of("7")), id.groups());
    assertEquals("12345", identify(new JsonObject().put("sub", 12345)).user().value(), "a numeric sub is an id");
    assertNull(identify(new JsonObject().put("sub", "u2").put("name", 5)).name());
  }

  @Test
  void badClaimsAreRefused() {
    assertEquals(JwtIdentityProvider.CLAIMS_INVALID, reason(new JsonObject().put("name", "no sub")));
    assertEquals(JwtIdentityProvider.CLAIMS_INVALID, reason(new JsonObject().put("sub", "")));
    assertEquals(JwtIdentityProvider.CLAIMS_INVALID, reason(new JsonObject().put("sub", "x".repeat(17))));
    assertEquals(JwtIdentityProvider.CLAIMS_INVALID, reason(new JsonObject().put("sub", new JsonObject())));
    assertEquals(JwtIdentityProvider.CLAIMS_INVALID, reason(new JsonObject().put("sub", "u")
        .put("groups", new JsonArray().add("g".repeat(17)))));
    assertEquals(JwtIdentityProvider.CLAIMS_INVALID, reason(new JsonObject().put("sub", "u")
        .put("groups", new JsonObject())));
    assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(new JsonObject().put("sub", "u").put("exp", "soon")));
    assertEquals(JwtIdentityProvider.TOKEN_EXPIRED, reason(new JsonObject().put("sub", "u").put("exp", Tokens.now() - 1)));
  }

  @Test
  void anRsaKeyWithoutAlgOrUseIsTakenAsRs256() {
    KeyPair pair = Tokens.rsaKeyPair();
    JsonObject jwk = Tokens.jwk(pair, "azure-style");
    jwk.remove("alg");
    jwk.remove("use");
    try (JwksServer server = new JwksServer()) {
      server.publish(jwk, new JsonObject().put("kty", "RSA").put("use", "enc").put("kid", "enc-key")
          .put("n", jwk.getString("n")).put("e", jwk.getString("e")));
      JwksKeySource keys = new JwksKeySource(testVertx.vertx(), java.net.URI.create(server.url()),
          java.time.Duration.ofHours(1));
      try {
        JwtIdentityProvider p = new JwtIdentityProvider(keys, JwtConfig.open(), Limits.defaults(),
            System::currentTimeMillis);
        String token = Tokens.rs256(pair.getPrivate(), "azure-style", new JsonObject().put("sub", "az"));
        assertEquals("az", TestVertx.await(p.identify(handshake(auth(token), null))).user().value());
      } finally {
        TestVertx.await(keys.close());
      }
    }
  }
}
