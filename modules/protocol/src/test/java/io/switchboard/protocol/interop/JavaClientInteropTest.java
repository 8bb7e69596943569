package io.switchboard.protocol.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.switchboard.protocol.socketio.SocketIoOptions;
import io.switchboard.testkit.TestVertx;
import java.time.Duration;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official Java client ({@code io.socket:socket.io-client} 2.1.1) against a real server, over
 * WebSocket only, polling only, and polling then upgrade to WebSocket.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JavaClientInteropTest {
  private static final long WAIT_MS = 10_000;
  /** Server ping interval and timeout: short, see {@link #reconnectsAfterTheServerClosesTheTransport}. */
  static final Duration PING = Duration.ofMillis(1000);

  enum Mode {
    WEBSOCKET("websocket"),
    POLLING("polling"),
    UPGRADE("polling", "websocket");

    final String[] transports;

    Mode(String... transports) {
      this.transports = transports;
    }

    /** The transport a connected client ends up on. */
    String finalTransport() {
      return this == POLLING ? "polling" : "websocket";
    }
  }

  private static TestVertx testVertx;
  private static InteropServer server;

  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startServer() {
    testVertx = TestVertx.create();
    server = InteropServer.start(testVertx, InteropServer.defaultEngineOptions().withPing(PING, PING),
        SocketIoOptions.defaults(), 2);
  }

  @AfterAll
  static void stopServer() {
    try {
      if (server != null) {
        server.close();
      }
      testVertx.assertNoBlockedThreads();
    } finally {
      testVertx.close();
    }
  }

  @AfterEach
  void closeSockets(org.junit.jupiter.api.TestInfo info) {
    sockets.forEach(DISCONNECTS::remove);
    int blocked = testVertx.blockedThreads().size();
    if (blocked > 0) {
      System.err.println("[interop] after " + info.getDisplayName() + " " + info.getTestMethod().map(m -> m.getName())
          .orElse("") + ": " + blocked + " blocked-thread reports so far");
    }
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
  }

  // ---- checks ---------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Mode.class)
  void connectsAndGetsItsAuthPayloadBack(Mode mode) throws Exception {
    Map<String, String> auth = Map.of("token", "good", "user", "ana", "text", "héllo ✓ \"q\"");
    Socket socket = socket(mode, opts -> opts.auth = auth);
    CompletableFuture<Object[]> hello = next(socket, "hello");
    connect(socket);
    assertNotNull(socket.id());

    Object[] args = get(hello);
    JSONObject got = (JSONObject) args[0];
    assertEquals(auth.keySet(), keys(got));
    for (Map.Entry<String, String> e : auth.entrySet()) {
      assertEquals(e.getValue(), got.getString(e.getKey()));
    }
    assertEquals("/", args[1]);

    JSONObject me = (JSONObject) awaitTrue("transport " + mode.finalTransport(), socket,
        s -> (JSONObject) ack(s, "whoami")[0], me1 -> mode.finalTransport().equals(me1.optString("transport")));
    assertEquals(socket.id(), me.getString("sid"));
    assertEquals(mode.finalTransport(), clientTransport(socket), "the client's own transport");
    assertTrue(server.connectedSockets().contains(socket.id()));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void refusedConnectionGetsMessageAndData(Mode mode) throws Exception {
    Socket socket = socket(mode, opts -> {
      opts.auth = Map.of("token", InteropServer.BAD_TOKEN);
      opts.reconnection = false;
    });
    CompletableFuture<Object[]> error = next(socket, Socket.EVENT_CONNECT_ERROR);
    CountDownLatch connected = new CountDownLatch(1);
    socket.on(Socket.EVENT_CONNECT, a -> connected.countDown());
    socket.connect();
    JSONObject err = assertInstanceOf(JSONObject.class, get(error)[0]);
    assertEquals(InteropServer.REFUSAL_MESSAGE, err.getString("message"));
    JSONObject data = err.getJSONObject("data");
    assertEquals(4001, data.getInt("code"));
    assertEquals("bad token", data.getString("reason"));
    assertFalse(connected.await(100, TimeUnit.MILLISECONDS), "never connected");
    assertFalse(socket.connected());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void acksFromClientToServer(Mode mode) throws Exception {
    Socket socket = connect(socket(mode, opts -> {}));
    JSONObject obj = new JSONObject().put("a", 1).put("b", new JSONArray().put(1).put(2)).put("c", "ü");
    JSONObject res = (JSONObject) ack(socket, "ack", obj, "two", 3, true)[0];
    assertTrue(res.getBoolean("ok"));
    assertEquals("/", res.getString("nsp"));
    JSONArray args = res.getJSONArray("args");
    assertEquals(4, args.length());
    assertEquals(1, args.getJSONObject(0).getInt("a"));
    assertEquals(2, args.getJSONObject(0).getJSONArray("b").getInt(1));
    assertEquals("ü", args.getJSONObject(0).getString("c"));
    assertEquals("two", args.getString(1));
    assertEquals(3, args.getInt(2));
    assertTrue(args.getBoolean(3));

    // Many acks in flight at once, each answered with its own arguments.
    List<CompletableFuture<Object[]>> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(ackAsync(socket, "ack", i));
    }
    for (int i = 0; i < 50; i++) {
      JSONObject r = (JSONObject) get(many.get(i))[0];
      assertEquals(i, r.getJSONArray("args").getInt(0), "ack " + i);
    }

    // An ack with several arguments.
    Object[] echo = ack(socket, "echo", "x", 2, new JSONObject().put("y", 3));
    assertEquals(3, echo.length);
    assertEquals("x", echo[0]);
    assertEquals(2, echo[1]);
    assertEquals(3, ((JSONObject) echo[2]).getInt("y"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void acksFromServerToClient(Mode mode) throws Exception {
    Socket socket = connect(socket(mode, opts -> {}));
    socket.on("serverAsk", args -> {
      try {
        JSONObject payload = (JSONObject) args[0];
        io.socket.client.Ack cb = (io.socket.client.Ack) args[args.length - 1];
        cb.call(new JSONObject().put("answer", payload.getInt("q") * 2), "second");
      } catch (JSONException e) {
        throw new IllegalStateException(e);
      }
    });
    CompletableFuture<Object[]> result = next(socket, "serverAskResult");
    assertEquals(true, ack(socket, "requestAck", new JSONObject().put("q", 21))[0]);
    JSONObject res = (JSONObject) get(result)[0];
    assertTrue(res.getBoolean("ok"), () -> "server-side emitWithAck failed: " + res);
    JSONArray reply = res.getJSONArray("reply");
    assertEquals(2, reply.length());
    assertEquals(42, reply.getJSONObject(0).getInt("answer"));
    assertEquals("second", reply.getString(1));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void binaryBothWays(Mode mode) throws Exception {
    Socket socket = connect(socket(mode, opts -> {}));
    byte[] small = {0, 1, 2, 127, (byte) 128, (byte) 253, (byte) 254, (byte) 255};
    byte[] nested = new byte[2048];
    for (int i = 0; i < nested.length; i++) {
      nested[i] = (byte) (i * 7);
    }
    byte[] empty = new byte[0];
    CompletableFuture<Object[]> echoed = next(socket, "binaryEcho");
    JSONObject obj = new JSONObject().put("nested", nested).put("label", "x")
        .put("list", new JSONArray().put(1).put(small));
    Object[] res = ack(socket, "binary", small, obj, empty);

    // What the server decoded.
    JSONObject info = (JSONObject) res[0];
    assertEquals("[\"binary\",\"object\",\"binary\"]", info.getJSONArray("kinds").toString());
    assertEquals("[8," + (2048 + 8) + ",0]", info.getJSONArray("sizes").toString());
    // The BINARY_ACK.
    assertArrayEquals(small, (byte[]) res[1]);
    JSONObject back = (JSONObject) res[2];
    assertArrayEquals(nested, (byte[]) back.get("nested"));
    assertEquals("x", back.getString("label"));
    assertArrayEquals(small, (byte[]) back.getJSONArray("list").get(1));
    assertArrayEquals(empty, (byte[]) res[3]);
    // The BINARY_EVENT.
    Object[] ev = get(echoed);
    assertArrayEquals(small, (byte[]) ev[0]);
    assertArrayEquals(nested, (byte[]) ((JSONObject) ev[1]).get("nested"));
    assertArrayEquals(empty, (byte[]) ev[2]);

    byte[] big = new byte[200_000];
    Arrays.fill(big, (byte) 0xab);
    Object[] bigRes = ack(socket, "binary", (Object) big);
    assertEquals("[200000]", ((JSONObject) bigRes[0]).getJSONArray("sizes").toString());
    assertArrayEquals(big, (byte[]) bigRes[1]);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void orderedServerEvents(Mode mode) throws Exception {
    Socket socket = connect(socket(mode, opts -> {}));
    int n = 200;
    List<Object> got = Collections.synchronizedList(new ArrayList<>());
    socket.on("seq", args -> got.add(args[0]));
    CompletableFuture<Object[]> done = next(socket, "seqDone");
    socket.emit("emitN", n);
    assertEquals(n, get(done)[0]);
    assertEquals(IntStream.range(0, n).boxed().toList(), List.copyOf(got));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void secondNamespaceOnTheSameConnection(Mode mode) throws Exception {
    IO.Options opts = options(mode);
    Manager manager = new Manager(URI.create(server.url()), opts);
    IO.Options rootOpts = options(mode);
    rootOpts.auth = Map.of("token", "good");
    IO.Options adminOpts = options(mode);
    adminOpts.auth = Map.of("token", "good", "ns", "admin");
    Socket root = track(manager.socket("/", rootOpts));
    Socket admin = track(manager.socket(InteropServer.ADMIN, adminOpts));
    assertTrue(root.io() == admin.io(), "one Manager");
    CompletableFuture<Object[]> adminHello = next(admin, "hello");
    connect(root);
    connect(admin);
    Object[] hello = get(adminHello);
    assertEquals("admin", ((JSONObject) hello[0]).getString("ns"));
    assertEquals(InteropServer.ADMIN, hello[1]);

    JSONObject meRoot = (JSONObject) ack(root, "whoami")[0];
    JSONObject meAdmin = (JSONObject) ack(admin, "whoami")[0];
    assertEquals(InteropServer.ADMIN, meAdmin.getString("nsp"));
    assertEquals(meRoot.getString("session"), meAdmin.getString("session"), "one Engine.IO session");
    assertNotEquals(meRoot.getString("sid"), meAdmin.getString("sid"));
    JSONObject res = (JSONObject) ack(admin, "ack", "hi")[0];
    assertEquals(InteropServer.ADMIN, res.getString("nsp"));

    // Leaving one namespace keeps the other and the connection.
    String adminSid = admin.id();
    admin.close();
    awaitTrue("server saw the client leave /admin",
        () -> "client namespace disconnect".equals(server.disconnectReasons().get(adminSid)));
    assertTrue(root.connected());
    JSONObject after = (JSONObject) ack(root, "whoami")[0];
    assertEquals(meRoot.getString("session"), after.getString("session"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void serverSideDisconnect(Mode mode) throws Exception {
    Socket socket = connect(socket(mode, opts -> {}));
    String sid = socket.id();
    CompletableFuture<Object[]> disconnected = next(socket, Socket.EVENT_DISCONNECT);
    socket.emit("disconnectMe", false);
    assertEquals("io server disconnect", get(disconnected)[0]);
    Thread.sleep(300);
    assertFalse(socket.connected());
    assertFalse(socket.isActive(), "no automatic reconnection");
    assertEquals("server namespace disconnect", server.disconnectReasons().get(sid));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void serverSideDisconnectWithTransportClose(Mode mode) throws Exception {
    IO.Options opts = options(mode);
    Manager manager = new Manager(URI.create(server.url()), opts);
    Socket root = track(manager.socket("/", options(mode)));
    Socket admin = track(manager.socket(InteropServer.ADMIN, options(mode)));
    connect(root);
    connect(admin);
    String session = ((JSONObject) ack(root, "whoami")[0]).getString("session");
    CompletableFuture<Object[]> r1 = next(root, Socket.EVENT_DISCONNECT);
    CompletableFuture<Object[]> r2 = next(admin, Socket.EVENT_DISCONNECT);
    root.emit("disconnectMe", true);
    assertEquals("io server disconnect", get(r1)[0], "main namespace");
    assertEquals("io server disconnect", get(r2)[0], "/admin namespace");
    awaitTrue("session closed on the server", () -> server.engine().session(session) == null);
    Thread.sleep(200);
    assertFalse(root.isActive(), "no automatic reconnection");
  }

  /**
   * The server closes the Engine.IO session under the socket (no DISCONNECT packet): the client
   * must see the connection drop and reconnect on its own.
   *
   * <p>Over WebSocket the Java client 2.1.1 cannot see the server's close frame: its engine.io
   * client (2.1.0) implements no {@code WebSocketListener.onClosing}, so OkHttp stops reading and
   * never answers the close. It notices the loss through its heartbeat instead (reason
   * {@code "ping timeout"} after pingInterval + pingTimeout), which is why the server of this class
   * pings every {@link #PING}. The reference Node.js server behaves the same towards this client.
   * Over polling the server's CLOSE packet arrives in a poll response: reason {@code "transport close"}.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void reconnectsAfterTheServerClosesTheTransport(Mode mode) throws Exception {
    Socket socket = connect(socket(mode, opts -> {}));
    String firstId = socket.id();
    String firstSession = ((JSONObject) ack(socket, "whoami")[0]).getString("session");
    CompletableFuture<Object[]> disconnected = next(socket, Socket.EVENT_DISCONNECT);
    CompletableFuture<Object[]> reconnected = new CompletableFuture<>();
    socket.io().once(Manager.EVENT_RECONNECT, reconnected::complete);
    socket.emit("closeTransport");
    Object reason = get(disconnected)[0];
    if (mode == Mode.POLLING) {
      assertEquals("transport close", reason);
    } else {
      assertTrue(List.of("transport close", "ping timeout").contains(reason), "disconnect reason " + reason);
    }
    assertTrue(socket.isActive(), "reconnection scheduled");
    get(reconnected);
    awaitTrue("connected again", socket::connected);
    assertNotEquals(firstId, socket.id());
    JSONObject me = (JSONObject) ack(socket, "whoami")[0];
    assertNotEquals(firstSession, me.getString("session"), "a new Engine.IO session");
    assertEquals(socket.id(), me.getString("sid"));
    // The reference server reports a server-side engine close as "forced close" too.
    assertEquals("forced close", server.disconnectReasons().get(firstId), "server-side reason");
    awaitTrue("transport " + mode.finalTransport() + " after reconnect",
        () -> mode.finalTransport().equals(clientTransport(socket)));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static IO.Options options(Mode mode) {
    IO.Options opts = new IO.Options();
    opts.forceNew = true;
    opts.transports = mode.transports;
    opts.upgrade = mode == Mode.UPGRADE;
    opts.reconnectionDelay = 100;
    opts.reconnectionDelayMax = 300;
    opts.randomizationFactor = 0;
    opts.timeout = 5000;
    return opts;
  }

  private Socket socket(Mode mode, java.util.function.Consumer<IO.Options> tweak) {
    IO.Options opts = options(mode);
    tweak.accept(opts);
    return track(IO.socket(URI.create(server.url()), opts));
  }

  private Socket track(Socket socket) {
    sockets.add(socket);
    List<String> reasons = new CopyOnWriteArrayList<>();
    DISCONNECTS.put(socket, reasons);
    socket.on(Socket.EVENT_DISCONNECT, a -> reasons.add(String.valueOf(a.length > 0 ? a[0] : null)));
    return socket;
  }

  /** The disconnect reasons each tracked socket saw, for failure messages. */
  private static final Map<Socket, List<String>> DISCONNECTS = new java.util.concurrent.ConcurrentHashMap<>();

  private static Socket connect(Socket socket) throws Exception {
    CompletableFuture<Object[]> connected = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, connected::complete);
    socket.once(Socket.EVENT_CONNECT_ERROR, args ->
        connected.completeExceptionally(new AssertionError("connect_error: " + Arrays.toString(args))));
    socket.connect();
    get(connected);
    return socket;
  }

  private static CompletableFuture<Object[]> next(Socket socket, String event) {
    CompletableFuture<Object[]> f = new CompletableFuture<>();
    socket.once(event, f::complete);
    return f;
  }

  static CompletableFuture<Object[]> ackAsync(Socket socket, String event, Object... args) {
    CompletableFuture<Object[]> f = new CompletableFuture<>();
    socket.emit(event, args, f::complete);
    return f;
  }

  static Object[] ack(Socket socket, String event, Object... args) throws Exception {
    try {
      return get(ackAsync(socket, event, args));
    } catch (AssertionError e) {
      List<String> reasons = DISCONNECTS.get(socket);
      throw new AssertionError("no ack for '" + event + "' (" + e.getMessage() + ")"
          + (reasons == null || reasons.isEmpty() ? "" : "; the socket was disconnected meanwhile: " + reasons), e);
    }
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("nothing within " + WAIT_MS + " ms", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError ae) {
        throw ae;
      }
      throw e;
    }
  }

  private static java.util.Set<String> keys(JSONObject o) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (java.util.Iterator<?> it = o.keys(); it.hasNext(); ) {
      keys.add((String) it.next());
    }
    return keys;
  }

  static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what + ": not within " + WAIT_MS + " ms");
      }
      Thread.sleep(20);
    }
  }

  @FunctionalInterface
  interface Probe<T> {
    T get(Socket s) throws Exception;
  }

  private static <T> T awaitTrue(String what, Socket socket, Probe<T> probe, java.util.function.Predicate<T> ok)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (true) {
      T value = probe.get(socket);
      if (ok.test(value)) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        fail(what + ": not within " + WAIT_MS + " ms, last " + value);
      }
      Thread.sleep(50);
    }
  }

  /** The name of the transport the client's Engine.IO socket uses now (the client hides it; read by reflection). */
  static String clientTransport(Socket socket) {
    try {
      Field engineField = Manager.class.getDeclaredField("engine");
      engineField.setAccessible(true);
      Object engine = engineField.get(socket.io());
      if (engine == null) {
        return null;
      }
      Field transportField = io.socket.engineio.client.Socket.class.getDeclaredField("transport");
      transportField.setAccessible(true);
      io.socket.engineio.client.Transport transport = (io.socket.engineio.client.Transport) transportField.get(engine);
      return transport == null ? null : transport.name;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
