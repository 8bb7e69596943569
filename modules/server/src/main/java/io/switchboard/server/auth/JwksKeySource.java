package io.switchboard.server.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The public keys of a JWK set published at a URL (an identity provider's {@code jwks_uri}),
 * fetched with Vert.x's HTTP client, never blocking. The keys are cached and fetched again every
 * {@code refresh}; a token naming a {@code kid} the cache does not hold (the provider rotated its
 * keys) fetches sooner, at most once per {@code minGapWithKeys}. Until a first fetch succeeds,
 * connections wait for a fetch, retried at most once per {@code minGapWithoutKeys}. A failed fetch
 * keeps the keys already held. Only asymmetric signing keys are taken (kty RSA, EC, OKP; no
 * {@code use} or {@code use: sig}); an RSA key without {@code alg} is taken as RS256.
 */
final class JwksKeySource implements KeySource {
  private static final System.Logger log = System.getLogger(JwksKeySource.class.getName());
  static final int MAX_JWKS_BYTES = 1 << 20;
  static final long FETCH_TIMEOUT_MS = 5_000;
  private static final Set<String> ASYMMETRIC = Set.of("RSA", "EC", "OKP");

  private record Snapshot(JWTAuth verifier, Set<String> kids) {}

  private final Vertx vertx;
  private final URI url;
  private final Duration refresh;
  private final long minGapWithKeysNanos;
  private final long minGapWithoutKeysNanos;
  private final HttpClient client;
  /** Where fetches and the refresh timer run, so each response is read on the context that asked. */
  private final Context context;
  private final Object lock = new Object();
  private volatile Snapshot current;
  private volatile boolean closed;
  /** Guarded by {@code lock}. */
  private Future<Snapshot> inflight;
  private boolean attempted;
  private long lastAttempt;
  private long timer = -1;

  JwksKeySource(Vertx vertx, URI url, Duration refresh) {
    this(vertx, url, refresh, Duration.ofSeconds(10), Duration.ofSeconds(1));
  }

  JwksKeySource(Vertx vertx, URI url, Duration refresh, Duration minGapWithKeys, Duration minGapWithoutKeys) {
    this.vertx = vertx;
    this.url = url;
    this.refresh = refresh;
    this.minGapWithKeysNanos = minGapWithKeys.toNanos();
    this.minGapWithoutKeysNanos = minGapWithoutKeys.toNanos();
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) FETCH_TIMEOUT_MS)
        .setName("switchboard-jwks"));
    this.context = vertx.getOrCreateContext();
  }

  @Override
  public void start() {
    context.runOnContext(v -> {
      refresh(true);
      synchronized (lock) {
        if (!closed) {
          timer = vertx.setPeriodic(refresh.toMillis(), id -> refresh(true));
        }
      }
    });
  }

  @Override
  public Future<JWTAuth> verifier(String kid) {
    Snapshot held = current;
    if (held != null && (kid == null || held.kids().contains(kid))) {
      return Future.succeededFuture(held.verifier());
    }
    Future<Snapshot> fetched = refresh(false);
    if (fetched == null) {
      return held != null
          ? Future.succeededFuture(held.verifier())
          : Future.failedFuture(new IllegalStateException("no keys from " + url + " yet"));
    }
    return fetched.map(Snapshot::verifier).recover(e -> {
      Snapshot now = current;
      return now != null ? Future.succeededFuture(now.verifier()) : Future.failedFuture(e);
    });
  }

  /**
   * Starts a fetch, or joins the one running. Unless {@code force}d, returns null instead when the
   * last one started less than the minimum gap ago.
   */
  private Future<Snapshot> refresh(boolean force) {
    Promise<Snapshot> promise;
    synchronized (lock) {
      if (inflight != null) {
        return inflight;
      }
      long now = System.nanoTime();
      long gap = current == null ? minGapWithoutKeysNanos : minGapWithKeysNanos;
      if (!force && attempted && now - lastAttempt < gap) {
        return null;
      }
      attempted = true;
      lastAttempt = now;
      promise = Promise.promise();
      inflight = promise.future();
    }
    Promise<Snapshot> fetched = Promise.promise();
    if (Vertx.currentContext() == context) {
      fetch().onComplete(fetched);
    } else {
      context.runOnContext(v -> fetch().onComplete(fetched));
    }
    fetched.future().onComplete(ar -> {
      if (ar.succeeded()) {
        current = ar.result();
        log.log(System.Logger.Level.DEBUG, "JWK set from " + url + ": " + ar.result().kids().size() + " key id(s)");
      } else if (!closed) {
        log.log(System.Logger.Level.WARNING, "fetching the JWK set from " + url + " failed: " + ar.cause().getMessage()
            + (current == null ? " (no keys yet: token handshakes are refused)" : " (keeping the keys held)"));
      }
      synchronized (lock) {
        inflight = null;
      }
      promise.handle(ar);
    });
    return promise.future();
  }

  private Future<Snapshot> fetch() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("closed"));
    }
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(url.toString())
        .setConnectTimeout(FETCH_TIMEOUT_MS)
        .setIdleTimeout(FETCH_TIMEOUT_MS)
        .putHeader(HttpHeaders.ACCEPT, "application/json");
    return client.request(request)
        .compose(req -> req.send())
        .compose(this::body)
        .compose(body -> {
          try {
            return Future.succeededFuture(parse(body));
          } catch (RuntimeException e) {
            return Future.failedFuture(new IllegalStateException("not a usable JWK set: " + e.getMessage(), e));
          }
        });
  }

  /** The response body, refused when the status is not 200 or the body exceeds the cap. */
  private Future<Buffer> body(HttpClientResponse response) {
    Promise<Buffer> promise = Promise.promise();
    if (response.statusCode() != 200) {
      response.end();
      return Future.failedFuture(new IllegalStateException("HTTP " + response.statusCode()));
    }
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && declaredTooLarge(length)) {
      response.request().reset();
      return Future.failedFuture(new IllegalStateException("JWK set larger than " + MAX_JWKS_BYTES + " bytes"));
    }
    Buffer body = Buffer.buffer();
    response.exceptionHandler(promise::tryFail);
    response.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_JWKS_BYTES) {
        promise.tryFail(new IllegalStateException("JWK set larger than " + MAX_JWKS_BYTES + " bytes"));
        response.request().reset();
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }

  private static boolean declaredTooLarge(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) > MAX_JWKS_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private Snapshot parse(Buffer body) {
    JsonArray keys = new JsonObject(body).getJsonArray("keys");
    if (keys == null) {
      throw new IllegalArgumentException("no \"keys\" array");
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(JwtIdentityProvider.verifyOptions());
    Set<String> kids = new HashSet<>();
    int usable = 0;
    for (Object item : keys) {
      if (!(item instanceof JsonObject key)) {
        continue;
      }
      Object kty = key.getValue("kty");
      Object use = key.getValue("use");
      if (!(kty instanceof String type) || !ASYMMETRIC.contains(type) || use != null && !"sig".equals(use)) {
        continue;
      }
      options.addJwk(key);
      usable++;
      if (key.getValue("kid") instanceof String kid) {
        kids.add(kid);
      }
    }
    if (usable == 0) {
      throw new IllegalArgumentException("no asymmetric signing keys");
    }
    return new Snapshot(JWTAuth.create(vertx, options), Set.copyOf(kids));
  }

  @Override
  public Future<Void> close() {
    closed = true;
    synchronized (lock) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
    return client.close();
  }
}
