package io.switchboard.cluster;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A node-local copy of values read from the shared state, dropped when told the value changed
 * ({@link #invalidate}) and after a time to live at the latest (the bound when an invalidation is
 * lost). Safe from any thread; never blocks.
 *
 * <p>A load that races with an invalidation of its key is not kept: each key maps to one of a
 * fixed set of version counters, an invalidation bumps it, and a loaded value is stored only if
 * the counter did not move while it was read (checked again after the store, so an invalidation
 * between the check and the store still removes it). Memory is bounded: at most
 * {@code maxEntries} values, plus the fixed counters.
 */
final class NearCache<K, V> {
  private static final int STRIPES = 4096;

  private record Entry<V>(V value, long expiresAt) {}

  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
  private final long ttlNanos;
  private final int maxEntries;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder invalidations = new LongAdder();

  NearCache(long ttlMillis, int maxEntries) {
    if (ttlMillis <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("ttl and size must be positive");
    }
    this.ttlNanos = ttlMillis * 1_000_000L;
    this.maxEntries = maxEntries;
  }

  /**
   * The cached value of {@code key}, or what {@code load} reads (kept when {@code keep} accepts it
   * and no invalidation of the key happened meanwhile).
   */
  Future<V> get(K key, Supplier<Future<V>> load, Predicate<V> keep) {
    Entry<V> e = entries.get(key);
    if (e != null) {
      if (System.nanoTime() - e.expiresAt() < 0) {
        hits.increment();
        return Future.succeededFuture(e.value());
      }
      entries.remove(key, e);
    }
    misses.increment();
    int stripe = stripe(key);
    long version = versions.get(stripe);
    return load.get().onSuccess(value -> {
      if (value == null || !keep.test(value) || versions.get(stripe) != version) {
        return;
      }
      if (entries.size() >= maxEntries) {
        sweep();
        if (entries.size() >= maxEntries) {
          return;
        }
      }
      Entry<V> fresh = new Entry<>(value, System.nanoTime() + ttlNanos);
      entries.put(key, fresh);
      if (versions.get(stripe) != version) {
        entries.remove(key, fresh);
      }
    });
  }

  /** The value of {@code key} changed: drop it, and any load of it now in flight. */
  void invalidate(K key) {
    invalidations.increment();
    versions.incrementAndGet(stripe(key));
    entries.remove(key);
  }

  /** Drops everything (and every load in flight). */
  void clear() {
    for (int i = 0; i < STRIPES; i++) {
      versions.incrementAndGet(i);
    }
    entries.clear();
  }

  /** Removes the expired entries. */
  void sweep() {
    long now = System.nanoTime();
    entries.values().removeIf(e -> now - e.expiresAt() >= 0);
  }

  int size() {
    return entries.size();
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }

  long invalidations() {
    return invalidations.sum();
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
