package io.switchboard.server.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** One HS256 shared secret (its UTF-8 bytes are the HMAC key, as in every JWT library). */
final class SecretKeySource implements KeySource {
  private final Future<JWTAuth> verifier;

  SecretKeySource(Vertx vertx, String secret) {
    JWTAuthOptions options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(JwtIdentityProvider.verifyOptions());
    this.verifier = Future.succeededFuture(JWTAuth.create(vertx, options));
  }

  @Override
  public Future<JWTAuth> verifier(String kid) {
    return verifier;
  }
}
