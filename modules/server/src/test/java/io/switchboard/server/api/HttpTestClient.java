package io.switchboard.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.socketio.Json;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.util.Map;

/**
 * Real HTTP requests to a node, answered on the test thread. Runs on its own Vert.x, so the
 * client's work never counts against the node's event loops.
 */
public final class HttpTestClient implements AutoCloseable {
  private final Vertx vertx;
  private final Context context;
  private final HttpClient client;
  private final int port;
  private final Map<String, String> defaultHeaders;

  public HttpTestClient(int port, Map<String, String> defaultHeaders) {
    this.vertx = Vertx.vertx();
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port));
    this.port = port;
    this.defaultHeaders = Map.copyOf(defaultHeaders);
  }

  /** One answer: status, headers and the body parsed as JSON (null when empty). */
  public record Response(int status, MultiMap headers, String text) {
    public JsonNode json() {
      if (text == null || text.isEmpty()) {
        return null;
      }
      try {
        return Json.MAPPER.readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    /** The error code of an error answer. */
    public String errorCode() {
      return json().path("error").path("code").asText(null);
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  public Response get(String path) {
    return send(HttpMethod.GET, path, null, Map.of());
  }

  public Response post(String path, String body) {
    return send(HttpMethod.POST, path, body, Map.of());
  }

  public Response put(String path, String body) {
    return send(HttpMethod.PUT, path, body, Map.of());
  }

  public Response delete(String path) {
    return send(HttpMethod.DELETE, path, null, Map.of());
  }

  /** Sends with the default headers plus {@code headers}; a null value removes a default one. */
  public Response send(HttpMethod method, String path, String body, Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("localhost").setPort(port).setURI(path);
    defaultHeaders.forEach((k, v) -> {
      if (!headers.containsKey(k)) {
        options.putHeader(k, v);
      }
    });
    headers.forEach((k, v) -> {
      if (v != null) {
        options.putHeader(k, v);
      }
    });
    if (body != null && !headers.containsKey("Content-Type")) {
      options.putHeader("Content-Type", "application/json");
    }
    // The whole exchange runs on the client's context: composed from the test thread, the body
    // handler could be set after the body arrived.
    Promise<Response> answer = Promise.promise();
    context.runOnContext(v -> client.request(options)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(res -> res.body().map(b -> new Response(res.statusCode(), res.headers(), b.toString())))
        .onComplete(answer));
    return TestVertx.await(answer.future());
  }

  @Override
  public void close() {
    TestVertx.await(client.close());
    TestVertx.await(vertx.close());
  }
}
