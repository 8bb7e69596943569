package io.switchboard.server.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a metric tag's values few, whatever clients send: names of a known set pass, and so do
 * the first {@code cap} other names seen; everything else reads {@value #OTHER}. A client inventing
 * event names cannot grow the number of series.
 */
final class BoundedNames {
  static final String OTHER = "other";

  private final Set<String> known;
  private final int cap;
  private final Set<String> extra = ConcurrentHashMap.newKeySet();

  BoundedNames(Set<String> known, int cap) {
    this.known = Set.copyOf(known);
    this.cap = cap;
  }

  /** Only the known names pass. */
  static BoundedNames of(Set<String> known) {
    return new BoundedNames(known, 0);
  }

  String of(String name) {
    if (name == null) {
      return OTHER;
    }
    if (known.contains(name)) {
      return name;
    }
    if (cap > 0 && (extra.contains(name) || extra.size() < cap && extra.add(name))) {
      // Two threads racing past the size check may admit one name more than the cap: still bounded.
      return name;
    }
    return OTHER;
  }
}
