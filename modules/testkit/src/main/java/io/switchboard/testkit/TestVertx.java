package io.switchboard.testkit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Vert.x instance for tests that records every event loop blocked for more than 500 ms, so a
 * test can fail on it ({@link #assertNoBlockedThreads()}), and a blocking await for test threads.
 */
public final class TestVertx implements AutoCloseable {
  /**
   * Short enough to catch real blocking (a synchronous call, a lock held long); long enough that a
   * thread descheduled for a moment on a loaded 2-core machine does not count.
   */
  private static final long MAX_EVENT_LOOP_MS = 500;

  private final Vertx vertx;
  private final List<String> blocked = new CopyOnWriteArrayList<>();

  private static volatile boolean warm;

  private TestVertx(int eventLoops) {
    warmUp();
    this.vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(eventLoops)
        .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MS)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(50)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(event -> {
      StringBuilder where = new StringBuilder();
      StackTraceElement[] stack = event.thread().getStackTrace();
      for (int i = 0; i < Math.min(8, stack.length); i++) {
        where.append("\n    at ").append(stack[i]);
      }
      blocked.add(event.thread().getName() + " blocked for " + event.duration() / 1_000_000 + " ms" + where);
    });
  }

  /**
   * Once per JVM, runs an HTTP request and a WebSocket exchange on a throwaway Vert.x, so the
   * first-time class loading of Netty and Vert.x (hundreds of ms on a loaded 2-core machine) is
   * not reported as a blocked event loop of the test's own Vert.x.
   */
  public static synchronized void warmUp() {
    if (warm) {
      return;
    }
    Vertx v = Vertx.vertx();
    try {
      HttpServer server = await(v.createHttpServer()
          .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
          .requestHandler(req -> req.response().end("ok"))
          .listen(0, "127.0.0.1"), 30_000);
      int port = server.actualPort();
      HttpClient http = v.createHttpClient();
      await(http.request(HttpMethod.GET, port, "127.0.0.1", "/").compose(r -> r.send()).compose(r -> r.body()), 30_000);
      WebSocketClient wsClient = v.createWebSocketClient();
      await(wsClient.connect(port, "127.0.0.1", "/").compose(ws -> {
        Promise<String> echoed = Promise.promise();
        ws.textMessageHandler(echoed::tryComplete);
        ws.writeTextMessage("warm");
        return echoed.future().eventually(ws::close);
      }), 30_000);
    } finally {
      await(v.close(), 30_000);
      warm = true;
    }
  }

  public static TestVertx create() {
    return new TestVertx(2);
  }

  public static TestVertx create(int eventLoops) {
    return new TestVertx(eventLoops);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Every blocked-event-loop report so far. */
  public List<String> blockedThreads() {
    return List.copyOf(blocked);
  }

  /** Fails when any event loop was blocked longer than the limit since this instance started. */
  public void assertNoBlockedThreads() {
    if (!blocked.isEmpty()) {
      throw new AssertionError("event loop blocked: " + blocked);
    }
  }

  /** Waits on a test thread (never on an event loop) for a future, failing after 10 s. */
  public static <T> T await(Future<T> future) {
    return await(future, 10_000);
  }

  public static <T> T await(Future<T> future, long timeoutMs) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new AssertionError(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + timeoutMs + " ms", e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
