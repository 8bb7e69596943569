package io.switchboard.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens idle Socket.IO connections (Engine.IO over WebSocket, then {@code 40}) and keeps them
 * alive by answering every ping {@code 2} with {@code 3}. For measuring the server's memory per
 * idle connection; see {@code scripts/measure-idle-memory.sh}.
 *
 * <pre>
 * java -cp benchmarks.jar io.switchboard.bench.IdleConnections --url http://127.0.0.1:4000 \
 *     [--connections N] [--event-loops K] [--in-flight W] [--namespace /] [--max-seconds S]
 * </pre>
 *
 * <p>After the first {@code --connections} are up it reads commands from stdin, one per line: a
 * number sets a new total (connections are added, never removed), {@code status} prints the
 * counters, {@code quit} (or end of input) closes everything and exits. Each time a total is
 * reached it prints {@code READY <total> open=.. failed=.. lost=.. pongs=..} on stdout.
 *
 * <p>Only loopback addresses are accepted. The process exits by itself after {@code
 * --max-seconds} (default 900).
 */
public final class IdleConnections {
  private static final int MAX_FAILURES = 200;

  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger lost = new AtomicInteger();
  private final AtomicInteger pongs = new AtomicInteger();
  private final AtomicInteger errorsLogged = new AtomicInteger();
  private final List<Opener> openers = new CopyOnWriteArrayList<>();
  private final Semaphore window;
  private final WebSocketConnectOptions connectOptions;
  private final String connectPacket;

  private IdleConnections(int inFlight, WebSocketConnectOptions connectOptions, String namespace) {
    this.window = new Semaphore(inFlight);
    this.connectOptions = connectOptions;
    this.connectPacket = "/".equals(namespace) ? "40" : "40" + namespace + ",";
  }

  public static void main(String[] args) throws Exception {
    String url = null;
    int connections = 0;
    int eventLoops = Runtime.getRuntime().availableProcessors();
    int inFlight = 128;
    String namespace = "/";
    long maxSeconds = 900;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--url" -> url = v;
        case "--connections" -> connections = Integer.parseInt(v);
        case "--event-loops" -> eventLoops = Integer.parseInt(v);
        case "--in-flight" -> inFlight = Integer.parseInt(v);
        case "--namespace" -> namespace = v;
        case "--max-seconds" -> maxSeconds = Long.parseLong(v);
        default -> usage("unknown argument " + a);
      }
      i++;
    }
    if (url == null) {
      usage("--url is required");
    }
    URI uri = URI.create(url);
    String host = uri.getHost();
    if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
      usage("only loopback addresses are allowed: " + url);
    }
    boolean tls = "https".equals(uri.getScheme()) || "wss".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath())
        ? "/socket.io/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "EIO=4&transport=websocket" : uri.getRawQuery();
    WebSocketConnectOptions connect = new WebSocketConnectOptions()
        .setHost(host).setPort(port).setSsl(tls).setURI(path + "?" + query).setConnectTimeout(10_000);

    long deadline = maxSeconds;
    Thread killer = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(deadline));
        System.err.println("idle-connections: --max-seconds " + deadline + " reached, exiting");
        System.exit(3);
      } catch (InterruptedException ignored) {
        // Normal exit.
      }
    }, "max-seconds");
    killer.setDaemon(true);
    killer.start();

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    IdleConnections tool = new IdleConnections(inFlight, connect, namespace);
    int exit;
    try {
      vertx.deployVerticle(() -> tool.new Opener(), new DeploymentOptions().setInstances(eventLoops))
          .await(30, TimeUnit.SECONDS);
      exit = tool.run(connections);
    } finally {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  private static void usage(String problem) {
    System.err.println("idle-connections: " + problem);
    System.err.println("usage: IdleConnections --url http://127.0.0.1:PORT [--connections N] [--event-loops K]"
        + " [--in-flight W] [--namespace /] [--max-seconds S]");
    System.exit(2);
  }

  private int run(int first) throws Exception {
    if (first > 0 && !ensure(first)) {
      return 1;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      line = line.trim();
      if (line.isEmpty()) {
        continue;
      }
      if ("quit".equals(line)) {
        break;
      }
      if ("status".equals(line)) {
        say("STATUS " + counters());
        continue;
      }
      int target;
      try {
        target = Integer.parseInt(line);
      } catch (NumberFormatException e) {
        System.err.println("idle-connections: unknown command '" + line + "' (a number, status, quit)");
        continue;
      }
      if (!ensure(target)) {
        return 1;
      }
    }
    say("CLOSING " + counters());
    return 0;
  }

  /** Opens connections until {@code target} are up; false when that cannot be done. */
  private boolean ensure(int target) throws InterruptedException {
    long maxFds = maxFileDescriptors();
    if (maxFds > 0 && target + 256L > maxFds) {
      say("ERROR the open-file limit of this process is " + maxFds + ": too low for " + target
          + " connections (raise ulimit -n)");
      return false;
    }
    long started = System.nanoTime();
    int dispatched = 0;
    while (open.get() < target) {
      if (failed.get() > MAX_FAILURES) {
        say("ERROR " + failed.get() + " connections failed; giving up at " + counters());
        return false;
      }
      if (open.get() + pending.get() >= target) {
        Thread.sleep(5);
        continue;
      }
      if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      pending.incrementAndGet();
      Opener opener = openers.get(dispatched++ % openers.size());
      opener.dispatch();
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    say("READY " + target + " " + counters() + " took_ms=" + ms);
    return true;
  }

  private String counters() {
    return "open=" + open.get() + " pending=" + pending.get() + " failed=" + failed.get() + " lost=" + lost.get()
        + " pongs=" + pongs.get();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static long maxFileDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
      return os.getMaxFileDescriptorCount();
    }
    return -1;
  }

  private void failed(Throwable cause) {
    pending.decrementAndGet();
    failed.incrementAndGet();
    window.release();
    if (cause != null && errorsLogged.incrementAndGet() <= 5) {
      System.err.println("idle-connections: connection failed: " + cause);
    }
  }

  /** One per event loop: its own client, its connections live on its loop. */
  private final class Opener extends VerticleBase {
    private WebSocketClient client;

    @Override
    public Future<?> start() {
      client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxConnections(1_000_000)
          .setTcpNoDelay(true)
          .setConnectTimeout(10_000));
      openers.add(this);
      return Future.succeededFuture();
    }

    /** Opens one connection on this opener's event loop (callable from any thread). */
    void dispatch() {
      context.runOnContext(v -> open());
    }

    private void open() {
      client.connect(connectOptions).onComplete(ar -> {
        if (ar.failed()) {
          failed(ar.cause());
          return;
        }
        new Connection(ar.result());
      });
    }
  }

  /** One idle Socket.IO connection; handlers run on its event loop. */
  private final class Connection {
    private final WebSocket ws;
    private boolean joined;
    private boolean done;

    Connection(WebSocket ws) {
      this.ws = ws;
      ws.textMessageHandler(this::onText);
      ws.binaryMessageHandler(b -> { });
      ws.exceptionHandler(e -> { });
      ws.closeHandler(v -> onClose());
    }

    private void onText(String text) {
      if (text.isEmpty()) {
        return;
      }
      switch (text.charAt(0)) {
        case '0' -> ws.writeTextMessage(connectPacket);           // Engine.IO OPEN: join the namespace
        case '2' -> {                                            // Engine.IO PING: answer
          ws.writeTextMessage("3");
          pongs.incrementAndGet();
        }
        case '4' -> {
          if (text.startsWith("40") && !joined) {                // Socket.IO CONNECT: joined
            joined = true;
            pending.decrementAndGet();
            open.incrementAndGet();
            window.release();
          } else if (text.startsWith("44") && !joined) {         // CONNECT_ERROR
            done = true;
            failed(new IllegalStateException("connect error " + text));
            ws.close();
          }
        }
        default -> { }
      }
    }

    private void onClose() {
      if (joined) {
        open.decrementAndGet();
        lost.incrementAndGet();
      } else if (!done) {
        done = true;
        failed(new IllegalStateException("closed before joining the namespace"));
      }
    }
  }
}
