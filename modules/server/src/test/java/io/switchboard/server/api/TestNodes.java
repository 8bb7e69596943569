package io.switchboard.server.api;

import io.switchboard.server.ServerConfig;
import io.switchboard.server.SwitchboardNode;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashMap;
import java.util.Map;

/** Starts real nodes for the API, auth and config tests. */
public final class TestNodes {
  private TestNodes() {}

  /** A node configured from {@code env} (key, value pairs) on two event loops, on a free port ({@code PORT=0}). */
  public static SwitchboardNode start(TestVertx testVertx, String... env) {
    warmUp();
    Map<String, String> map = new HashMap<>();
    map.put("SWITCHBOARD_EVENT_LOOPS", "2");
    map.put("SWITCHBOARD_BCRYPT_COST", "4");
    for (int i = 0; i < env.length; i += 2) {
      map.put(env[i], env[i + 1]);
    }
    map.putIfAbsent("PORT", "0");
    return TestVertx.await(SwitchboardNode.start(testVertx.vertx(), ServerConfig.fromEnv(map)));
  }

  private static boolean warm;

  /**
   * Loads, once per test JVM, the classes an HTTP server, a router, a body handler and a
   * WebSocket need, on a throwaway Vert.x: the first node would otherwise load them on its event
   * loops (binding the port, the first request) and hold them longer than the blocked-thread
   * limit the tests enforce.
   */
  public static synchronized void warmUp() {
    if (warm) {
      return;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      router.route("/warm").handler(BodyHandler.create(false)).handler(rc -> rc.response().end("ok"));
      HttpServer server = TestVertx.await(vertx.createHttpServer()
          .webSocketHandler(ws -> ws.writeTextMessage("hi").onComplete(v -> ws.close()))
          .requestHandler(router)
          .listen(0));
      HttpClient client = vertx.createHttpClient();
      TestVertx.await(client.request(HttpMethod.POST, server.actualPort(), "localhost", "/warm")
          .compose(req -> req.send("{}"))
          .compose(res -> res.body()));
      WebSocketClient ws = vertx.createWebSocketClient();
      TestVertx.await(ws.connect(server.actualPort(), "localhost", "/ws").compose(WebSocket::close));
    } finally {
      TestVertx.await(vertx.close());
    }
    warm = true;
  }
}
