package io.switchboard.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.testkit.TestVertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A polling session has one upgrade, and the WebSocket request that claims it first has it: the
 * claim is taken when the request arrives, before its handshake is answered, so a later request
 * is refused whatever the order in which the event loops get to the session.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineUpgradeClaimTest {
  private static EngineTestServer fixture;

  @BeforeAll
  static void start() {
    fixture = EngineTestServer.start(EngineOptions.defaults(), s -> s.messageHandler(s::send));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  void onlyOneClaimAtATime() {
    EngineSession session = openPollingSession();
    assertTrue(session.claimUpgrade());
    assertFalse(session.claimUpgrade(), "a second claim while the first stands");
    session.releaseUpgradeClaim();
    awaitReleased(session);
    assertTrue(session.claimUpgrade(), "claimable again once released");
  }

  @Test
  void aWebSocketRequestIsRefusedWhileAnotherHoldsTheClaim() {
    EngineSession session = openPollingSession();
    // As if another request had claimed the upgrade and its handshake were still under way.
    assertTrue(session.claimUpgrade());
    assertEquals(400, refusedStatus(session.id()));
    assertTrue(session.isPolling(), "the session still polls");
    session.releaseUpgradeClaim();
    awaitReleased(session);
    WebSocket ws = fixture.http.newWebSocketBuilder()
        .buildAsync(uri("EIO=4&transport=websocket&sid=" + session.id()), new WebSocket.Listener() { })
        .join();
    try {
      assertFalse(session.claimUpgrade(), "the upgrading socket holds the claim");
    } finally {
      ws.abort();
    }
  }

  @Test
  void aClosedSessionCannotBeClaimed() {
    EngineSession session = openPollingSession();
    TestVertx.await(session.closeFromServer("test", true));
    assertFalse(session.claimUpgrade());
  }

  private static int refusedStatus(String sid) {
    try {
      fixture.http.newWebSocketBuilder()
          .buildAsync(uri("EIO=4&transport=websocket&sid=" + sid), new WebSocket.Listener() { })
          .join()
          .abort();
      return fail("the upgrade was accepted");
    } catch (CompletionException e) {
      return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
    }
  }

  /** A release runs on the session's context: waits (bounded) until it has. */
  private static void awaitReleased(EngineSession session) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (session.upgradeClaimed()) {
      if (System.nanoTime() > deadline) {
        fail("the released claim was not given back");
      }
      Thread.onSpinWait();
    }
  }

  private static EngineSession openPollingSession() {
    try {
      HttpResponse<String> r = fixture.http.send(HttpRequest.newBuilder(uri("EIO=4&transport=polling")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      String sid = new JsonObject(r.body().substring(1)).getString("sid");
      return (EngineSession) fixture.engine.session(sid);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static URI uri(String query) {
    return fixture.uri(query);
  }
}
