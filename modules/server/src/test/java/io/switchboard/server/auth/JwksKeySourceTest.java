package io.switchboard.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.protocol.engine.EngineHandshake;
import io.switchboard.protocol.socketio.ConnectError;
import io.switchboard.protocol.socketio.SocketHandshake;
import io.switchboard.signaling.Identity;
import io.switchboard.signaling.Limits;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JWK set cache on its own: rotation, failures, size cap, periodic refresh. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwksKeySourceTest {
  private static TestVertx testVertx;
  private static KeyPair k1;
  private static KeyPair k2;
  private JwksServer jwks;
  private JwksKeySource keys;

  @BeforeAll
  static void keys() {
    // The key set is fetched on the node's event loops: load the HTTP client's classes first.
    io.switchboard.server.api.TestNodes.warmUp();
    testVertx = TestVertx.create();
    k1 = Tokens.rsaKeyPair();
    k2 = Tokens.rsaKeyPair();
  }

  @AfterAll
  static void stop() {
    try {
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  @BeforeEach
  void server() {
    jwks = new JwksServer();
  }

  @AfterEach
  void close() {
    if (keys != null) {
      TestVertx.await(keys.close());
    }
    jwks.close();
  }

  private JwtIdentityProvider provider(Duration refresh, Duration gapWithKeys, Duration gapWithout) {
    keys = new JwksKeySource(testVertx.vertx(), URI.create(jwks.url()), refresh, gapWithKeys, gapWithout);
    return new JwtIdentityProvider(keys, JwtConfig.open(), Limits.defaults(), System::currentTimeMillis);
  }

  private static Identity identify(JwtIdentityProvider p, String token) {
    return TestVertx.await(p.identify(new SocketHandshake(JsonNodeFactory.instance.objectNode().put("token", token),
        new EngineHandshake(Map.of(), Map.of(), "127.0.0.1", false, 0))));
  }

  private static String reason(JwtIdentityProvider p, String token) {
    ConnectError e = assertThrows(ConnectError.class, () -> identify(p, token));
    return e.data().get("reason").asText();
  }

  private static String token(KeyPair pair, String kid, String sub) {
    return Tokens.rs256(pair.getPrivate(), kid, new JsonObject().put("sub", sub).put("exp", Tokens.now() + 300));
  }

  @Test
  void rotatedKeysAreFetchedWhenATokenNamesANewKid() {
    jwks.publish(Tokens.jwk(k1, "k1"));
    JwtIdentityProvider p = provider(Duration.ofHours(1), Duration.ZERO, Duration.ZERO);
    assertEquals("a", identify(p, token(k1, "k1", "a")).user().value());
    assertEquals("b", identify(p, token(k1, "k1", "b")).user().value());
    assertEquals(1, jwks.fetches(), "cached");

    jwks.publish(Tokens.jwk(k1, "k1"), Tokens.jwk(k2, "k2"));
    assertEquals("c", identify(p, token(k2, "k2", "c")).user().value());
    assertEquals(2, jwks.fetches(), "the unknown kid fetched the set again");
    assertEquals("d", identify(p, token(k1, "k1", "d")).user().value());
    assertEquals(2, jwks.fetches());
  }

  @Test
  void anUnknownKidFetchesAtMostOncePerGap() {
    jwks.publish(Tokens.jwk(k1, "k1"));
    JwtIdentityProvider p = provider(Duration.ofHours(1), Duration.ofHours(1), Duration.ZERO);
    identify(p, token(k1, "k1", "a"));
    jwks.publish(Tokens.jwk(k2, "k2"));
    for (int i = 0; i < 5; i++) {
      assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(p, token(k2, "k2", "c")));
    }
    assertEquals(1, jwks.fetches());
  }

  @Test
  void aFailedFetchKeepsTheKeysHeld() {
    jwks.publish(Tokens.jwk(k1, "k1"));
    JwtIdentityProvider p = provider(Duration.ofHours(1), Duration.ZERO, Duration.ZERO);
    identify(p, token(k1, "k1", "a"));
    jwks.status(500);
    assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(p, token(k2, "k2", "x")), "refetch failed, k2 unknown");
    assertEquals(2, jwks.fetches());
    assertEquals("b", identify(p, token(k1, "k1", "b")).user().value(), "k1 still works");
  }

  @Test
  void withoutKeysHandshakesAreRefusedUntilAFetchSucceeds() {
    jwks.status(503);
    JwtIdentityProvider p = provider(Duration.ofHours(1), Duration.ZERO, Duration.ZERO);
    assertEquals(JwtIdentityProvider.KEYS_UNAVAILABLE, reason(p, token(k1, "k1", "a")));
    jwks.status(200);
    jwks.answer("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}");
    assertEquals(JwtIdentityProvider.KEYS_UNAVAILABLE, reason(p, token(k1, "k1", "a")), "symmetric keys are not taken");
    jwks.answer("not json");
    assertEquals(JwtIdentityProvider.KEYS_UNAVAILABLE, reason(p, token(k1, "k1", "a")));
    jwks.answer("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" + "A".repeat(JwksKeySource.MAX_JWKS_BYTES) + "\"}]}");
    assertEquals(JwtIdentityProvider.KEYS_UNAVAILABLE, reason(p, token(k1, "k1", "a")), "over the size cap");
    jwks.publish(Tokens.jwk(k1, "k1"));
    assertEquals("a", identify(p, token(k1, "k1", "a")).user().value());
  }

  @Test
  void keysAreRefreshedPeriodically() throws Exception {
    jwks.publish(Tokens.jwk(k1, "k1"));
    JwtIdentityProvider p = provider(Duration.ofMillis(200), Duration.ofHours(1), Duration.ofHours(1));
    p.start();
    long deadline = System.currentTimeMillis() + 5000;
    while (jwks.fetches() < 3 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(jwks.fetches() >= 3, "fetched at start and then every 200 ms: " + jwks.fetches());
    jwks.publish(Tokens.jwk(k2, "k2"));
    int seen = jwks.fetches();
    while (jwks.fetches() < seen + 2 && System.currentTimeMillis() < deadline + 5000) {
      Thread.sleep(50);
    }
    assertEquals("z", identify(p, token(k2, "k2", "z")).user().value(), "the refreshed set holds k2");
    assertEquals(JwtIdentityProvider.TOKEN_INVALID, reason(p, token(k1, "k1", "y")), "k1 was withdrawn");
  }
}
