package io.switchboard.loadtest.client;

import io.switchboard.loadtest.stats.Latency;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The virtual users' event loops and connections. User {@code i} lives on event loop {@code i %
 * loops} and connects to URL {@code i % urls} unless told otherwise, so consecutive users land on
 * different nodes and a pair (2k, 2k+1) spans two nodes whenever there are two or more.
 */
public final class Pool implements AutoCloseable {
  private final Vertx vertx;
  private final List<Loop> loops = new CopyOnWriteArrayList<>();
  private final List<WebSocketConnectOptions> targets = new ArrayList<>();
  private final long connectTimeoutMs;
  final LongAdder framesSent = new LongAdder();
  final LongAdder framesReceived = new LongAdder();
  final LongAdder pings = new LongAdder();
  final LongAdder lost = new LongAdder();
  private final AtomicInteger openNow = new AtomicInteger();
  private final AtomicInteger failedTotal = new AtomicInteger();
  private final AtomicInteger errorsLogged = new AtomicInteger();

  public Pool(List<URI> urls, String path, int eventLoops, long connectTimeoutMs) throws Exception {
    this.connectTimeoutMs = connectTimeoutMs;
    for (URI u : urls) {
      boolean tls = "https".equals(u.getScheme()) || "wss".equals(u.getScheme());
      int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
      targets.add(new WebSocketConnectOptions().setHost(u.getHost()).setPort(port).setSsl(tls)
          .setURI(path + "?EIO=4&transport=websocket").setConnectTimeout(connectTimeoutMs)
          .setTimeout(connectTimeoutMs));
    }
    // Netty's native epoll transport where there is one (Linux): with the JDK's NIO selector, an
    // event loop whose next timer is less than half a millisecond away polls without sleeping
    // until it is due, and the senders' 1 ms pacing timers kept the loops doing that: 0.4 of a
    // core at 2000 msgs/s, taken from the servers measured on the same machine.
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setPreferNativeTransport(true)
        .setBlockedThreadCheckInterval(10_000));
    vertx.deployVerticle(Loop::new, new DeploymentOptions().setInstances(eventLoops))
        .await(30, TimeUnit.SECONDS);
    loops.sort((a, b) -> Integer.compare(a.id, b.id));
  }

  static Context currentContext() {
    return Vertx.currentContext();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The client's network transport: "native epoll" or "JDK NIO" (the fallback off Linux). */
  public String transport() {
    return vertx.isNativeTransportEnabled() ? "native epoll" : "JDK NIO";
  }

  public int loopCount() {
    return loops.size();
  }

  public int targetCount() {
    return targets.size();
  }

  public Context loop(int i) {
    return loops.get(i % loops.size()).context();
  }

  /** Runs {@code task} on every event loop and waits: what the loops wrote before is visible after. */
  public void barrier() throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(loops.size());
    for (Loop l : loops) {
      l.context().runOnContext(v -> latch.countDown());
    }
    latch.await(10, TimeUnit.SECONDS);
  }

  /** Opens user {@code index} on its event loop to URL {@code target}; completes once it joined "/". */
  public CompletableFuture<User> open(int index, int target, User.Handler handler) {
    CompletableFuture<User> result = new CompletableFuture<>();
    Loop loop = loops.get(index % loops.size());
    loop.context().runOnContext(v -> {
      Promise<User> connected = Promise.promise();
      User user = new User(this, index, target, loop.context(), handler, connected);
      long timer = vertx.setTimer(connectTimeoutMs, t -> connected.tryFail("no Socket.IO CONNECT within "
          + connectTimeoutMs + " ms"));
      connected.future().onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (ar.succeeded()) {
          openNow.incrementAndGet();
          result.complete(user);
        } else {
          user.abort();
          failedTotal.incrementAndGet();
          result.completeExceptionally(ar.cause());
        }
      });
      loop.client.connect(targets.get(target % targets.size())).onComplete(ar -> {
        if (ar.failed()) {
          connected.tryFail(ar.cause());
          return;
        }
        if (connected.future().isComplete()) {
          ar.result().close();
          return;
        }
        user.attach(ar.result());
      });
    });
    return result;
  }

  /** A user that was open is closed (either side). */
  void userClosed() {
    openNow.decrementAndGet();
  }

  public int openCount() {
    return openNow.get();
  }

  public int failedCount() {
    return failedTotal.get();
  }

  public long framesSent() {
    return framesSent.sum();
  }

  public long framesReceived() {
    return framesReceived.sum();
  }

  public long pings() {
    return pings.sum();
  }

  /** Connections that were open and closed without the tool asking. */
  public long lost() {
    return lost.sum();
  }

  /**
   * Opens users {@code from .. from+count-1}, at most {@code ratePerSecond} attempts per second and
   * {@code inFlight} at once, recording each connection's setup time (WebSocket connect to
   * Socket.IO CONNECT). Stops early when {@code maxFailures} attempts failed or at {@code
   * deadlineNs}. Returns the users by index (null where the attempt failed).
   */
  public Opened openAll(int from, int count, IntFunction<User.Handler> handlers, int ratePerSecond, int inFlight,
      int maxFailures, long deadlineNs, Latency setup) throws InterruptedException {
    AtomicReferenceArray<User> users = new AtomicReferenceArray<>(count);
    Semaphore window = new Semaphore(inFlight);
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    long started = System.nanoTime();
    long intervalNs = ratePerSecond > 0 ? 1_000_000_000L / ratePerSecond : 0;
    String stopped = null;
    int dispatched = 0;
    while (dispatched < count) {
      if (failed.get() > maxFailures) {
        stopped = failed.get() + " connections failed";
        break;
      }
      if (System.nanoTime() > deadlineNs) {
        stopped = "time limit reached while connecting";
        break;
      }
      long due = started + dispatched * intervalNs;
      long wait = due - System.nanoTime();
      if (wait > 1_000_000) {
        Thread.sleep(wait / 1_000_000, 0);
        continue;
      }
      if (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
        continue;
      }
      int i = from + dispatched;
      int slot = dispatched++;
      long t0 = System.nanoTime();
      open(i, i, handlers.apply(i)).whenComplete((u, err) -> {
        if (err != null) {
          failed.incrementAndGet();
          if (errorsLogged.incrementAndGet() <= 5) {
            System.err.println("loadtest: connection " + i + " failed: " + err.getMessage());
          }
        } else {
          setup.recordNanos(t0, System.nanoTime());
          users.set(slot, u);
        }
        window.release();
        done.incrementAndGet(); // last: the caller reads the users once every attempt is done
      });
    }
    // Wait for the attempts under way.
    while (done.get() < dispatched && System.nanoTime() < deadlineNs + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMs)) {
      Thread.sleep(10);
    }
    long tookNs = System.nanoTime() - started;
    List<User> list = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      list.add(users.get(k));
    }
    return new Opened(list, dispatched, failed.get(), tookNs, stopped);
  }

  /**
   * What {@link #openAll} did.
   *
   * @param users by index from {@code from}; null where the attempt failed or was not made
   * @param attempted attempts made
   * @param failed attempts that failed
   * @param tookNs from the first attempt to the last answer
   * @param stoppedBecause why it stopped early, or null
   */
  public record Opened(List<User> users, int attempted, int failed, long tookNs, String stoppedBecause) {
    public int open() {
      int n = 0;
      for (User u : users) {
        if (u != null) {
          n++;
        }
      }
      return n;
    }
  }

  /** Closes every user (cleanly: Socket.IO DISCONNECT first), then the event loops. */
  public void closeAll(List<User> users, boolean clean) throws InterruptedException {
    for (User u : users) {
      if (u != null) {
        if (clean) {
          u.close();
        } else {
          u.abort();
        }
      }
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      boolean any = false;
      for (User u : users) {
        if (u != null && u.isOpen()) {
          any = true;
          break;
        }
      }
      if (!any) {
        return;
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Exiting anyway.
    }
  }

  private static final AtomicInteger LOOP_IDS = new AtomicInteger();

  /** One per event loop: its own WebSocket client, whose connections live on that loop. */
  private final class Loop extends VerticleBase {
    private final int id = LOOP_IDS.getAndIncrement();
    private WebSocketClient client;

    @Override
    public Future<?> start() {
      client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxConnections(1_000_000)
          .setTcpNoDelay(true)
          .setMaxFrameSize(1 << 20)
          .setMaxMessageSize(4 << 20)
          .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMs)));
      loops.add(this);
      return Future.succeededFuture();
    }

    Context context() {
      return context;
    }
  }
}
