package io.switchboard.server.auth;

import io.vertx.core.Future;
import io.vertx.ext.auth.jwt.JWTAuth;

/** Where the keys that verify tokens come from. Safe from any thread; never blocks. */
interface KeySource {

  /**
   * A verifier holding the keys for a token whose header names {@code kid} (null when it names
   * none). Fails when no keys are available at all.
   */
  Future<JWTAuth> verifier(String kid);

  /** Starts background work (a first fetch, a refresh timer); nothing for a fixed key. */
  default void start() {}

  /** Stops background work and releases what it holds. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
