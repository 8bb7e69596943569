package io.switchboard.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.ids.UserId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code iceServers} handed to clients in {@code webrtcConfig}: STUN URLs as configured, and
 * TURN URLs with ephemeral credentials in the TURN REST scheme that coturn's
 * {@code static-auth-secret} checks: username {@code <expiry-epoch-seconds>:<userId>}, credential
 * {@code base64(HMAC-SHA1(secret, username))}.
 *
 * @param stunUrls e.g. {@code stun:stun.example.org:3478}
 * @param turnUrls e.g. {@code turn:turn.example.org:3478?transport=udp}
 * @param turnSecret the shared secret; null disables TURN
 * @param credentialTtl how long a TURN credential is valid
 */
public record IceServers(List<String> stunUrls, List<String> turnUrls, String turnSecret, Duration credentialTtl) {

  public static IceServers none() {
    return new IceServers(List.of(), List.of(), null, Duration.ofHours(1));
  }

  public IceServers {
    stunUrls = List.copyOf(stunUrls);
    turnUrls = List.copyOf(turnUrls);
    if (!turnUrls.isEmpty() && (turnSecret == null || turnSecret.isEmpty())) {
      throw new IllegalArgumentException("TURN URLs need a TURN secret");
    }
  }

  /** Never prints the TURN secret (configs get logged). */
  @Override
  public String toString() {
    return "IceServers[stunUrls=" + stunUrls + ", turnUrls=" + turnUrls + ", turnSecret="
        + (turnSecret == null ? "none" : "***") + ", credentialTtl=" + credentialTtl + "]";
  }

  /** The iceServers array for one user at {@code nowMillis}. */
  public ArrayNode forUser(UserId user, long nowMillis) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ArrayNode servers = f.arrayNode();
    if (!stunUrls.isEmpty()) {
      ObjectNode stun = servers.addObject();
      ArrayNode urls = stun.putArray("urls");
      stunUrls.forEach(urls::add);
    }
    if (!turnUrls.isEmpty()) {
      long expiry = nowMillis / 1000 + credentialTtl.toSeconds();
      String username = expiry + ":" + (user == null ? "anonymous" : user.value());
      ObjectNode turn = servers.addObject();
      ArrayNode urls = turn.putArray("urls");
      turnUrls.forEach(urls::add);
      turn.put("username", username);
      turn.put("credential", credential(turnSecret, username));
    }
    return servers;
  }

  /** base64(HMAC-SHA1(secret, username)): what coturn recomputes from its static-auth-secret. */
  public static String credential(String secret, String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }
}
