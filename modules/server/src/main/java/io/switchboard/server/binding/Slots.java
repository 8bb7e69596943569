package io.switchboard.server.binding;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * At most {@code size} tasks of one kind running at once on a node; the others wait in arrival
 * order and start, each on the context that submitted it, as running ones finish. Thread-safe
 * (every event loop of the node submits). Used for socket cleanups: thousands of connections that
 * drop together (a load balancer restart, a network cut) would otherwise put all their Redis
 * commands in the pipeline at once, past every deadline, and ahead of the joins and relays of the
 * users still connected.
 */
final class Slots {
  private final int size;
  private int running;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

  Slots(int size) {
    this.size = size;
  }

  /** Runs {@code task} now if a slot is free, else when one frees; completes with the task. */
  <T> Future<T> run(Supplier<Future<T>> task) {
    Context context = Vertx.currentContext();
    Promise<T> done = Promise.promise();
    Runnable start = () -> {
      Future<T> f;
      try {
        f = task.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        release();
        done.handle(ar);
      });
    };
    boolean now;
    synchronized (this) {
      now = running < size;
      if (now) {
        running++;
      } else {
        waiting.add(context == null ? start : () -> context.runOnContext(v -> start.run()));
      }
    }
    if (now) {
      start.run();
    }
    return done.future();
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  synchronized int running() {
    return running;
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
