package io.switchboard.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.engine.EngineHandshake;
import io.switchboard.protocol.socketio.ConnectError;
import io.switchboard.protocol.socketio.Json;
import io.switchboard.protocol.socketio.SocketHandshake;
import io.switchboard.server.binding.IdentityProvider;
import io.switchboard.signaling.Identity;
import io.switchboard.signaling.Limits;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * JWT identity: every handshake must carry a token, in the Socket.IO auth payload
 * ({@code auth: {token}}) or the handshake query ({@code ?token=}), with an optional
 * {@code Bearer } prefix. The token's signature is checked with the configured HS256 secret or the
 * keys of a JWK set, then its claims: {@code exp} and {@code nbf} (with the configured leeway;
 * a token without {@code exp} does not expire), {@code iss} and {@code aud} when configured, and
 * {@code sub}, which must be an id within the socket side's limits. The identity is {@code sub}
 * as the user, {@code name} as the display name (cut to the name limit), and the groups claim
 * (an array of ids) as groups.
 *
 * <p>A refused handshake fails with {@link ConnectError} {@code "Unauthorized"} and data
 * {@code {code:"unauthorized", reason}}, {@code reason} one of {@link #TOKEN_MISSING},
 * {@link #TOKEN_INVALID}, {@link #TOKEN_EXPIRED}, {@link #CLAIMS_INVALID}, {@link #KEYS_UNAVAILABLE}.
 * Verification runs on the caller's event loop (one HMAC or RSA check); fetching keys never blocks.
 */
public final class JwtIdentityProvider implements IdentityProvider {
  private static final System.Logger log = System.getLogger(JwtIdentityProvider.class.getName());

  public static final String TOKEN_MISSING = "token_missing";
  public static final String TOKEN_INVALID = "token_invalid";
  public static final String TOKEN_EXPIRED = "token_expired";
  public static final String CLAIMS_INVALID = "claims_invalid";
  public static final String KEYS_UNAVAILABLE = "keys_unavailable";

  /** Longer tokens are refused before any parsing. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;
  private static final int MAX_GROUPS = 10_000;

  private final KeySource keys;
  private final JwtConfig config;
  private final Limits limits;
  private final LongSupplier clock;

  JwtIdentityProvider(KeySource keys, JwtConfig config, Limits limits, LongSupplier clock) {
    this.keys = keys;
    this.config = config;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * The provider for an enabled {@code config}: HS256 with its secret, or the keys of its JWKS
   * URL (call {@link #start()} to fetch them ahead of the first handshake).
   */
  public static JwtIdentityProvider create(Vertx vertx, JwtConfig config, Limits limits) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("JWT identity needs a secret or a JWKS URL");
    }
    if (config.secret() != null && config.secret().getBytes(StandardCharsets.UTF_8).length < 32) {
      log.log(System.Logger.Level.WARNING, "SWITCHBOARD_JWT_SECRET is shorter than 32 bytes: HS256 wants at least 256 bits");
    }
    KeySource keys = config.secret() != null
        ? new SecretKeySource(vertx, config.secret())
        : new JwksKeySource(vertx, config.jwksUrl(), config.jwksRefresh());
    warmUp(vertx, limits, config.jwksUrl() != null);
    return new JwtIdentityProvider(keys, config, limits, System::currentTimeMillis);
  }

  /**
   * Verifies one throwaway token on the calling thread, so the classes verification needs are
   * loaded now and not by the event loop that handles the first handshake (that loading takes
   * longer than an event loop may be held).
   */
  private static void warmUp(Vertx vertx, Limits limits, boolean rsa) {
    String secret = "warm-up-" + UUID.randomUUID();
    SecretKeySource keys = new SecretKeySource(vertx, secret);
    String token = keys.verifier(null).result().generateToken(new JsonObject().put("sub", "warm-up").put("name", "w")
        .put("groups", new JsonArray().add("g")), new JWTOptions().setExpiresInSeconds(60));
    ObjectNode auth = JsonNodeFactory.instance.objectNode().put("token", token);
    JwtIdentityProvider provider = new JwtIdentityProvider(keys, JwtConfig.open(), limits, System::currentTimeMillis);
    provider.identify(new SocketHandshake(auth, new EngineHandshake(Map.of(), Map.of(), "", false, 0)));
    if (rsa) {
      // Keys from a JWK set are parsed and used on an event loop: load the RSA code now.
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair pair = generator.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", "warm-up")
            .put("n", b64.encodeToString(pub.getModulus().toByteArray()))
            .put("e", b64.encodeToString(pub.getPublicExponent().toByteArray()));
        String signingInput = b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"warm-up\"}".getBytes(StandardCharsets.UTF_8))
            + "." + b64.encodeToString("{\"sub\":\"warm-up\"}".getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(pair.getPrivate());
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        String rsaToken = signingInput + "." + b64.encodeToString(signature.sign());
        JWTAuth.create(vertx, new JWTAuthOptions().addJwk(jwk).setJWTOptions(verifyOptions()))
            .authenticate(new TokenCredentials(rsaToken));
      } catch (GeneralSecurityException | RuntimeException e) {
        log.log(System.Logger.Level.DEBUG, "RSA warm-up failed: " + e);
      }
    }
  }

  /** What verification checks itself: the signature only (time and claims are checked here, with reasons). */
  static JWTOptions verifyOptions() {
    return new JWTOptions().setIgnoreExpiration(true);
  }

  /** Starts fetching keys (JWKS); nothing for a secret. */
  public void start() {
    keys.start();
  }

  public Future<Void> close() {
    return keys.close();
  }

  @Override
  public Future<Identity> identify(SocketHandshake handshake) {
    String token;
    String kid;
    try {
      token = tokenOf(handshake);
      if (token == null) {
        return refuse(TOKEN_MISSING, "no token in auth.token or ?token=");
      }
      if (token.length() > MAX_TOKEN_LENGTH) {
        return refuse(TOKEN_INVALID, "token longer than " + MAX_TOKEN_LENGTH);
      }
      kid = kidOf(token);
    } catch (Refused r) {
      return refuse(r.reason, r.getMessage());
    }
    return keys.verifier(kid)
        .recover(e -> refuse(KEYS_UNAVAILABLE, e.getMessage()))
        .compose(verifier -> verify(verifier, token))
        .compose(user -> {
          try {
            return Future.succeededFuture(identityOf(claimsOf(user)));
          } catch (Refused r) {
            return refuse(r.reason, r.getMessage());
          }
        })
        // Only refusals leave: anything unexpected on the way (a library throwing on a claim of
        // an odd type) refuses the token too, and is never a stack trace for the client.
        .recover(e -> {
          if (e instanceof ConnectError) {
            return Future.failedFuture(e);
          }
          log.log(System.Logger.Level.WARNING, "token check failed unexpectedly; refused", e);
          return refuse(TOKEN_INVALID, String.valueOf(e));
        });
  }

  /** The signature check; the library may throw instead of failing (claims of unexpected types). */
  private static Future<User> verify(JWTAuth verifier, String token) {
    Future<User> user;
    try {
      user = verifier.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      user = Future.failedFuture(e);
    }
    return user.recover(e -> refuse(TOKEN_INVALID, e.getMessage()));
  }

  /** The token of the auth payload, else of the query; null when neither has one. */
  static String tokenOf(SocketHandshake handshake) {
    JsonNode auth = handshake.auth();
    JsonNode fromAuth = auth != null && auth.isObject() ? auth.get("token") : null;
    String raw;
    if (fromAuth != null && !fromAuth.isNull()) {
      if (!fromAuth.isTextual()) {
        throw new Refused(TOKEN_INVALID, "auth.token is not a string");
      }
      raw = fromAuth.textValue();
    } else {
      raw = handshake.query("token");
    }
    if (raw == null) {
      return null;
    }
    String token = raw.strip();
    if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = token.substring(7).strip();
    }
    return token.isEmpty() ? null : token;
  }

  /** The {@code kid} of the token's header, or null; a header that is not base64url JSON is refused. */
  static String kidOf(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      throw new Refused(TOKEN_INVALID, "not a JWT");
    }
    try {
      JsonNode header = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token.substring(0, dot)));
      if (header == null || !header.isObject()) {
        throw new Refused(TOKEN_INVALID, "JWT header is not an object");
      }
      JsonNode kid = header.get("kid");
      return kid != null && kid.isTextual() ? kid.textValue() : null;
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new Refused(TOKEN_INVALID, "JWT header is not base64url JSON");
    }
  }

  private static JsonObject claimsOf(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    return claims != null ? claims : user.principal();
  }

  Identity identityOf(JsonObject claims) {
    long nowSeconds = clock.getAsLong() / 1000;
    long leeway = config.leeway().toSeconds();
    Object exp = claims.getValue("exp");
    if (exp != null) {
      if (!(exp instanceof Number n)) {
        throw new Refused(TOKEN_INVALID, "exp is not a number");
      }
      if (nowSeconds > n.doubleValue() + leeway) {
        throw new Refused(TOKEN_EXPIRED, "token expired");
      }
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null) {
      if (!(nbf instanceof Number n)) {
        throw new Refused(TOKEN_INVALID, "nbf is not a number");
      }
      if (nowSeconds + leeway < n.doubleValue()) {
        throw new Refused(TOKEN_INVALID, "token not valid yet");
      }
    }
    if (config.issuer() != null && !config.issuer().equals(claims.getValue("iss"))) {
      throw new Refused(CLAIMS_INVALID, "iss is not " + config.issuer());
    }
    if (!config.audience().isEmpty() && !audienceMatches(claims.getValue("aud"))) {
      throw new Refused(CLAIMS_INVALID, "aud names none of " + config.audience());
    }
    String sub = id(claims.getValue("sub"));
    if (sub == null) {
      throw new Refused(CLAIMS_INVALID, "sub is missing, empty, not a string or longer than " + limits.maxIdLength());
    }
    String name = claims.getValue("name") instanceof String s && !s.isBlank() ? s.strip() : null;
    if (name != null && name.length() > limits.maxNameLength()) {
      name = name.substring(0, limits.maxNameLength());
    }
    return new Identity(UserId.of(sub), name, groupsOf(claims.getValue(config.groupsClaim())));
  }

  private boolean audienceMatches(Object aud) {
    if (aud instanceof String s) {
      return config.audience().contains(s);
    }
    if (aud instanceof JsonArray a) {
      for (Object o : a) {
        if (o instanceof String s && config.audience().contains(s)) {
          return true;
        }
      }
    }
    return false;
  }

  private Set<GroupId> groupsOf(Object claim) {
    if (claim == null) {
      return Set.of();
    }
    if (!(claim instanceof JsonArray array) || array.size() > MAX_GROUPS) {
      throw new Refused(CLAIMS_INVALID, config.groupsClaim() + " is not an array of at most " + MAX_GROUPS + " ids");
    }
    Set<GroupId> groups = new LinkedHashSet<>();
    for (Object item : array) {
      String id = id(item);
      if (id == null) {
        throw new Refused(CLAIMS_INVALID, config.groupsClaim() + " holds an item that is not an id");
      }
      groups.add(GroupId.of(id));
    }
    return groups;
  }

  /** A string (or integral number) id within the id limit, else null. */
  private String id(Object value) {
    String s;
    if (value instanceof String str) {
      s = str;
    } else if (value instanceof Integer || value instanceof Long) {
      s = value.toString();
    } else {
      return null;
    }
    return s.isBlank() || s.length() > limits.maxIdLength() ? null : s;
  }

  private static <T> Future<T> refuse(String reason, String detail) {
    log.log(System.Logger.Level.DEBUG, "handshake refused (" + reason + "): " + detail);
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("code", "unauthorized");
    data.put("reason", reason);
    return Future.failedFuture(new ConnectError("Unauthorized", data));
  }

  /** A refusal found while reading the token; becomes a {@link ConnectError}. */
  private static final class Refused extends RuntimeException {
    final String reason;

    Refused(String reason, String detail) {
      super(detail, null, false, false);
      this.reason = Objects.requireNonNull(reason);
    }
  }
}
