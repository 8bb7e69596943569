package io.switchboard.protocol;

import java.security.SecureRandom;
import java.util.Base64;

/** Session and socket ids: 15 random bytes, base64url, 20 characters, like the reference server's. */
public final class Ids {
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private Ids() {}

  public static String newId() {
    byte[] bytes = new byte[15];
    RANDOM.get().nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
