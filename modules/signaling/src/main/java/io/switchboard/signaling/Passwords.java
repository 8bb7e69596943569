package io.switchboard.signaling;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;

/**
 * Meeting passwords, hashed with bcrypt (at.favre.lib). Hashing is deliberately slow, so it runs
 * on the worker pool, never on an event loop.
 */
public final class Passwords {
  private final Vertx vertx;
  private final int cost;

  public Passwords(Vertx vertx, int cost) {
    if (cost < 4 || cost > 31) {
      throw new IllegalArgumentException("bcrypt cost must be 4..31");
    }
    this.vertx = vertx;
    this.cost = cost;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> BCrypt.withDefaults().hashToString(cost, password.toCharArray()), false);
  }

  /** Whether {@code password} matches {@code hash}; false for a null password. */
  public Future<Boolean> verify(String password, String hash) {
    if (password == null) {
      return Future.succeededFuture(false);
    }
    return vertx.executeBlocking(
        () -> BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified,
        false);
  }
}
