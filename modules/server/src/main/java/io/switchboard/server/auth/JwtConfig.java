package io.switchboard.server.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How connecting clients prove who they are. With neither a secret nor a JWKS URL the node runs
 * in open mode (clients declare their user); with one of them every handshake needs a valid JWT.
 *
 * @param secret the HS256 shared secret, or null
 * @param jwksUrl where the public keys (RS256) are published as a JWK set, or null
 * @param issuer the {@code iss} a token must carry, or null for any
 * @param audience accepted {@code aud} values (a token must name one of them); empty for any
 * @param groupsClaim the claim holding the user's group ids (an array of strings)
 * @param leeway clock skew tolerated on {@code exp} and {@code nbf}
 * @param jwksRefresh how often the JWK set is fetched again
 */
public record JwtConfig(
    String secret, URI jwksUrl, String issuer, List<String> audience, String groupsClaim, Duration leeway,
    Duration jwksRefresh) {

  public static JwtConfig open() {
    return new JwtConfig(null, null, null, List.of(), "groups", Duration.ZERO, Duration.ofMinutes(10));
  }

  public JwtConfig {
    audience = List.copyOf(audience);
    Objects.requireNonNull(groupsClaim, "groupsClaim");
    Objects.requireNonNull(leeway, "leeway");
    Objects.requireNonNull(jwksRefresh, "jwksRefresh");
    if (secret != null && secret.isEmpty()) {
      secret = null;
    }
    if (secret != null && jwksUrl != null) {
      throw new IllegalArgumentException("set either a JWT secret or a JWKS URL, not both");
    }
  }

  /** Whether handshakes must carry a valid token. */
  public boolean enabled() {
    return secret != null || jwksUrl != null;
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "JwtConfig[secret=" + (secret == null ? "unset" : "***") + ", jwksUrl=" + jwksUrl + ", issuer=" + issuer
        + ", audience=" + audience + ", groupsClaim=" + groupsClaim + ", leeway=" + leeway + ", jwksRefresh="
        + jwksRefresh + "]";
  }
}
