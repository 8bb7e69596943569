package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The copy rules: what is kept, for how long, and what an invalidation does to a load in flight. */
class NearCacheTest {
  private final AtomicInteger loads = new AtomicInteger();

  private Future<String> load(String value) {
    loads.incrementAndGet();
    return Future.succeededFuture(value);
  }

  @Test
  void aLoadedValueIsServedUntilItsKeyIsInvalidated() {
    NearCache<String, String> cache = new NearCache<>(60_000, 10);
    assertEquals("v1", cache.get("k", () -> load("v1"), v -> true).result());
    assertEquals("v1", cache.get("k", () -> load("v2"), v -> true).result());
    assertEquals(1, loads.get(), "the second read came from the copy");
    cache.invalidate("k");
    assertEquals("v2", cache.get("k", () -> load("v2"), v -> true).result());
    assertEquals(2, loads.get());
    assertEquals(1, cache.hits());
    assertEquals(2, cache.misses());
  }

  @Test
  void aLoadThatRacesWithAnInvalidationIsNotKept() {
    NearCache<String, String> cache = new NearCache<>(60_000, 10);
    Promise<String> slow = Promise.promise();
    Future<String> first = cache.get("k", () -> slow.future(), v -> true);
    // The value changes (another node says so) while the read is in flight: what it returns may be old.
    cache.invalidate("k");
    slow.complete("old");
    assertEquals("old", first.result(), "the caller still gets its answer");
    assertEquals("new", cache.get("k", () -> load("new"), v -> true).result(), "but the old value was not kept");
    assertEquals("new", cache.get("k", () -> load("newer"), v -> true).result());
  }

  @Test
  void clearDropsEverythingAndEveryLoadInFlight() {
    NearCache<String, String> cache = new NearCache<>(60_000, 10);
    cache.get("a", () -> load("1"), v -> true);
    Promise<String> slow = Promise.promise();
    cache.get("b", () -> slow.future(), v -> true);
    cache.clear();
    slow.complete("2");
    assertEquals(0, cache.size());
  }

  @Test
  void onlyAcceptedNonNullValuesAreKept() {
    NearCache<String, String> cache = new NearCache<>(60_000, 10);
    assertNull(cache.get("k", () -> load(null), v -> true).result());
    cache.get("k", () -> load("ringing"), v -> v.equals("connected"));
    assertEquals(0, cache.size());
    cache.get("k", () -> load("connected"), v -> v.equals("connected"));
    assertEquals(1, cache.size());
    assertEquals(3, loads.get());
  }

  @Test
  void copiesExpireAfterTheirTimeToLive() throws Exception {
    NearCache<String, String> cache = new NearCache<>(50, 10);
    cache.get("k", () -> load("v1"), v -> true);
    Thread.sleep(80);
    assertEquals("v2", cache.get("k", () -> load("v2"), v -> true).result(), "an expired copy is read again");
    Thread.sleep(80);
    cache.sweep();
    assertEquals(0, cache.size(), "the sweep removes expired copies");
  }

  @Test
  void atMostMaxEntriesAreHeld() {
    NearCache<String, String> cache = new NearCache<>(60_000, 3);
    for (int i = 0; i < 10; i++) {
      String k = "k" + i;
      assertEquals("v" + i, cache.get(k, () -> load("v" + k.substring(1)), v -> true).result());
    }
    assertEquals(3, cache.size());
  }
}
