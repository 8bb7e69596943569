package io.switchboard.server.metrics;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/**
 * {@code GET /metrics}: Prometheus text, on the node's HTTP port. The scrape runs on a worker
 * thread (it walks the sessions and reads the JVM's MXBeans), never on an event loop. Nothing
 * guards it: keep the port's {@code /metrics} inside the cluster (the chart's ingress only routes
 * {@code /socket.io/} and {@code /api/}).
 */
public final class MetricsEndpoint {
  public static final String PATH = "/metrics";

  private MetricsEndpoint() {}

  public static void mount(Router router, Vertx vertx, NodeMetrics metrics) {
    router.get(PATH).handler(ctx -> vertx.executeBlocking(metrics::scrape, false).onComplete(ar -> {
      if (ctx.response().closed() || ctx.response().ended()) {
        return;
      }
      if (ar.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, NodeMetrics.CONTENT_TYPE).end(ar.result());
      } else {
        ctx.response().setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
            .end("metrics unavailable: " + ar.cause());
      }
    }));
  }
}
