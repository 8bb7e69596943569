package io.switchboard.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.socketio.Json;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/** Writes the API's JSON answers: results, and errors as {@code {"error":{"code","message"}}}. */
final class ApiReplies {
  private static final System.Logger log = System.getLogger(ApiReplies.class.getName());

  private ApiReplies() {}

  static void send(RoutingContext rc, int status, JsonNode body) {
    HttpServerResponse res = rc.response();
    if (res.ended() || res.closed()) {
      return;
    }
    String text;
    try {
      text = Json.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      log.log(System.Logger.Level.ERROR, "cannot write an API answer", e);
      status = 500;
      text = "{\"error\":{\"code\":\"internal\",\"message\":\"Internal error\"}}";
    }
    if (bodyUnread(rc.request())) {
      // Answered before the body was read (refused key, body over the limit): what is left of it
      // would be read as the next request, so this connection ends with the answer.
      res.putHeader(HttpHeaders.CONNECTION, "close");
    }
    res.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(text);
  }

  /** Whether the request announced a body that has not been read (HTTP/1.x only). */
  private static boolean bodyUnread(HttpServerRequest req) {
    if (req.isEnded() || req.version() == HttpVersion.HTTP_2) {
      return false;
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !length.strip().equals("0") : req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  /** A refusal from the catalogue keeps its code and message; anything else is logged and answered 500. */
  static void error(RoutingContext rc, Throwable cause) {
    SignalingException e;
    if (cause instanceof SignalingException se) {
      e = se;
    } else {
      log.log(System.Logger.Level.ERROR, "API " + rc.request().method() + " " + rc.request().path() + " failed", cause);
      e = new SignalingException(ErrorCode.INTERNAL, "Internal error");
    }
    send(rc, e.code().httpStatus(), errorBody(e.code().wire(), e.getMessage()));
  }

  static ObjectNode errorBody(String code, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return body;
  }
}
