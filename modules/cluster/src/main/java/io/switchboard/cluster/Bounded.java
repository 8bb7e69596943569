package io.switchboard.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Runs an asynchronous action over a list with at most {@code limit} actions in flight. Not
 * thread-safe: the action's futures must complete on the caller's context (or synchronously; a
 * synchronously completed action does not recurse, however long the list).
 */
final class Bounded<T> {
  /** How a run ended: actions that succeeded, failed, and were never started (stopped early). */
  record Result(int succeeded, int failed, int skipped) {
    boolean complete() {
      return failed == 0 && skipped == 0;
    }
  }

  private final List<T> items;
  private final int limit;
  private final BooleanSupplier keepGoing;
  private final Function<T, Future<?>> action;
  private final Promise<Result> done = Promise.promise();
  private int next;
  private int active;
  private int succeeded;
  private int failed;
  private boolean pumping;
  private boolean stopped;

  private Bounded(List<T> items, int limit, BooleanSupplier keepGoing, Function<T, Future<?>> action) {
    this.items = items;
    this.limit = Math.max(1, limit);
    this.keepGoing = keepGoing;
    this.action = action;
  }

  /**
   * Applies {@code action} to every item, {@code limit} at a time; stops starting new ones once
   * {@code keepGoing} turns false. Never fails: failures are counted (and an action that throws
   * counts as failed).
   */
  static <T> Future<Result> forEach(List<T> items, int limit, BooleanSupplier keepGoing, Function<T, Future<?>> action) {
    Bounded<T> run = new Bounded<>(items, limit, keepGoing, action);
    run.pump();
    return run.done.future();
  }

  private void pump() {
    if (pumping) {
      return; // an action completed synchronously inside the loop below: the loop goes on
    }
    pumping = true;
    try {
      while (active < limit && next < items.size() && !stopped) {
        if (!keepGoing.getAsBoolean()) {
          stopped = true;
          break;
        }
        T item = items.get(next++);
        active++;
        Future<?> f;
        try {
          f = action.apply(item);
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        if (f == null) {
          f = Future.failedFuture(new NullPointerException("action returned null"));
        }
        f.onComplete(ar -> {
          active--;
          if (ar.succeeded()) {
            succeeded++;
          } else {
            failed++;
          }
          pump();
        });
      }
    } finally {
      pumping = false;
    }
    if (active == 0 && (next >= items.size() || stopped)) {
      done.tryComplete(new Result(succeeded, failed, items.size() - next));
    }
  }
}
