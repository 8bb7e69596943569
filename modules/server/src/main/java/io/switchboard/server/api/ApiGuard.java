package io.switchboard.server.api;

import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The first handler of every {@code /api} request: CORS (the origins of
 * {@code SWITCHBOARD_CORS_ORIGINS}, preflight answered here, before any key check, since browsers
 * send no credentials with it), then the API key. A request from an origin that is not allowed is
 * refused with 403; a missing or wrong {@code Authorization: Bearer} key with 401. The key is
 * compared in constant time (both sides hashed first, so neither length nor content leaks).
 * A security-policy handler, so it runs before the body is read: a refused caller's body is never
 * buffered.
 */
final class ApiGuard implements SecurityPolicyHandler {
  static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
  static final String ALLOWED_HEADERS = "Authorization, Content-Type";

  private final List<String> origins;
  private final boolean anyOrigin;
  private final byte[] keyDigest;

  ApiGuard(List<String> corsOrigins, String apiKey) {
    this.origins = List.copyOf(corsOrigins);
    this.anyOrigin = origins.contains("*");
    this.keyDigest = apiKey == null ? null : sha256(apiKey);
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    HttpServerResponse res = rc.response();
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin != null) {
      if (!anyOrigin && !origins.contains(origin)) {
        ApiReplies.error(rc, new SignalingException(ErrorCode.UNAUTHORIZED, "Origin not allowed"));
        return;
      }
      res.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      res.putHeader(HttpHeaders.VARY, "Origin");
      res.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, "Location");
      if (req.method() == HttpMethod.OPTIONS && req.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
        String requested = req.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
        res.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
            .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, requested != null ? requested : ALLOWED_HEADERS)
            .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600")
            .setStatusCode(204)
            .end();
        return;
      }
    }
    if (keyDigest != null && !authorized(req.getHeader(HttpHeaders.AUTHORIZATION))) {
      res.putHeader("WWW-Authenticate", "Bearer realm=\"switchboard\"");
      ApiReplies.send(rc, 401, ApiReplies.errorBody("unauthorized",
          req.getHeader(HttpHeaders.AUTHORIZATION) == null ? "Missing API key" : "Invalid API key"));
      return;
    }
    rc.next();
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(keyDigest, sha256(header.substring(7).strip()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
