package io.switchboard.server;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the node takes traffic (not
 * draining, shared state reachable), checked with a short deadline so a hung Redis reads as not
 * ready instead of hanging the probe.
 */
final class Health {
  private static final long READY_DEADLINE_MS = 1_000;
  private final Supplier<Future<Void>> ready;

  Health(Supplier<Future<Void>> ready) {
    this.ready = ready;
  }

  void mount(Router router) {
    router.get("/health/live").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("{\"status\":\"UP\"}"));
    router.get("/health/ready").handler(ctx -> ready.get()
        .timeout(READY_DEADLINE_MS, TimeUnit.MILLISECONDS)
        .onComplete(ar -> {
          if (ctx.response().ended()) {
            return;
          }
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
          if (ar.succeeded()) {
            ctx.response().end("{\"status\":\"UP\"}");
          } else {
            String reason = ar.cause().getMessage() == null ? "unavailable" : ar.cause().getMessage().replace("\"", "'");
            ctx.response().setStatusCode(503).end("{\"status\":\"DOWN\",\"reason\":\"" + reason + "\"}");
          }
        }));
  }
}
