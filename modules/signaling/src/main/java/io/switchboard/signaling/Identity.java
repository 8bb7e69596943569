package io.switchboard.signaling;

import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.UserId;
import java.util.Set;

/**
 * Who a connection proved to be. In open mode nothing is proved ({@link #anonymous()}): the
 * client declares its user. With JWT auth, {@code user} and {@code name} come from the verified
 * token ({@code sub}, {@code name}), and {@code groups} from its optional groups claim.
 */
public record Identity(UserId user, String name, Set<GroupId> groups) {
  private static final Identity ANONYMOUS = new Identity(null, null, Set.of());

  public Identity {
    groups = groups == null ? Set.of() : Set.copyOf(groups);
  }

  public static Identity anonymous() {
    return ANONYMOUS;
  }

  public boolean verified() {
    return user != null;
  }
}
