package io.switchboard.server.auth;

import io.switchboard.testkit.TestVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A tiny identity provider: publishes a JWK set at {@code /jwks.json}, counts fetches, can fail. */
final class JwksServer implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicReference<JsonObject> document = new AtomicReference<>(new JsonObject().put("keys", new JsonArray()));
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile int status = 200;
  private volatile String body;
  private final HttpServer server;

  JwksServer() {
    server = TestVertx.await(vertx.createHttpServer().requestHandler(req -> {
      if (!req.path().equals("/jwks.json")) {
        req.response().setStatusCode(404).end();
        return;
      }
      fetches.incrementAndGet();
      String text = body != null ? body : document.get().encode();
      req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
    }).listen(0));
  }

  String url() {
    return "http://localhost:" + server.actualPort() + "/jwks.json";
  }

  void publish(JsonObject... keys) {
    JsonArray array = new JsonArray();
    for (JsonObject k : keys) {
      array.add(k);
    }
    document.set(new JsonObject().put("keys", array));
    body = null;
  }

  /** Answers this raw body instead of the key set. */
  void answer(String raw) {
    body = raw;
  }

  void status(int code) {
    status = code;
  }

  int fetches() {
    return fetches.get();
  }

  @Override
  public void close() {
    TestVertx.await(vertx.close());
  }
}
