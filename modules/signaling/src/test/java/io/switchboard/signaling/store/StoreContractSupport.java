package io.switchboard.signaling.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.testkit.TestVertx;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** What the store contract suites share: awaiting futures, asserting refusals, firing calls at once. */
public final class StoreContractSupport {
  private StoreContractSupport() {}

  public static <T> T await(Future<T> future) {
    return TestVertx.await(future);
  }

  /** The future fails with a {@link SignalingException} of {@code code}; returns it for more checks. */
  public static SignalingException refused(ErrorCode code, Future<?> future) {
    SignalingException e = assertThrows(SignalingException.class, () -> TestVertx.await(future),
        "expected a refusal with code " + code.wire());
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  /** The outcome of one call made in {@link #allAtOnce}: its value, or its refusal. */
  public record Outcome<T>(T value, SignalingException refusal) {}

  /**
   * Starts every call at the same moment from {@code threads} threads and waits for all of them.
   * Each call returns the store's future; its outcome is collected in call order.
   */
  public static <T> List<Outcome<T>> allAtOnce(int threads, List<Callable<Future<T>>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<java.util.concurrent.Future<Future<T>>> started = new ArrayList<>(calls.size());
      for (Callable<Future<T>> call : calls) {
        started.add(pool.submit(() -> {
          go.await();
          return call.call();
        }));
      }
      go.countDown();
      List<Outcome<T>> outcomes = new ArrayList<>(calls.size());
      for (java.util.concurrent.Future<Future<T>> s : started) {
        Future<T> f = s.get(10, TimeUnit.SECONDS);
        try {
          outcomes.add(new Outcome<>(TestVertx.await(f), null));
        } catch (SignalingException e) {
          outcomes.add(new Outcome<>(null, e));
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }
}
