package io.switchboard.protocol.engine;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.lang.reflect.Field;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Gives back memory that Vert.x 5.1.1 keeps for the whole life of every server WebSocket and
 * never uses after the handshake: about 12.5 KB per connection (an idle Socket.IO connection
 * measured 17.4 KB of heap without this, 4.9 KB with it; {@code scripts/measure-idle-memory.sh}).
 * A workaround: it reaches into Vert.x internals by reflection, in this class only.
 *
 * <p><b>What Vert.x 5.1.1 retains.</b> A server WebSocket starts as an HTTP/1 request on an
 * {@code Http1ServerConnection}. On accept ({@code ServerWebSocketHandshaker.acceptHandshake},
 * reached from {@code HttpServerRequest.toWebSocket()} and from a server-level
 * {@code HttpServer.webSocketHandler} alike) Vert.x replaces the connection's Netty handler with a
 * new {@code io.vertx.core.net.impl.VertxHandler} created from a lambda that builds the
 * {@code WebSocketConnectionImpl}. That lambda captures the {@code ServerWebSocketHandshaker}
 * (which holds the upgrade {@code Http1ServerRequest}) and the {@code Http1ServerConnection};
 * {@code VertxHandler} keeps it in its final {@code connectionFactory} field after using it once
 * ({@code handlerAdded}), and the handler stays in the channel pipeline until the channel closes.
 * So the finished HTTP/1 connection, its request, response and header maps, and its outbound
 * queue stay reachable (about 6.7 KB). Separately, every {@code VertxConnection} has an outbound
 * {@code MessagePassingQueue.MpSc} whose {@code queue} is Netty's
 * {@code PlatformDependent.newMpscQueue()}: a jctools {@code MpscUnboundedArrayQueue} with a
 * hard-coded chunk of 1024 slots, allocated up front (a 1025-slot array, about 4.1 KB, plus
 * about 0.6 KB of padded queue object), although that queue only holds messages while the
 * channel is not writable or while another thread writes at the same moment: a write on the
 * event loop to an idle queue goes through its single {@code overflow} slot.
 *
 * <p><b>What this does</b>, once per WebSocket, right after the handshake completed (the 101 was
 * written and the pipeline switched), on the connection's event loop, before the socket is
 * handed to anyone else (a socket accepted through a Vert.x Web router comes wrapped; the
 * wrapper's delegate is trimmed):
 *
 * <ol>
 *   <li>replaces the used {@code VertxHandler.connectionFactory} with a function that throws
 *       (Netty calls {@code handlerAdded} once per handler; a {@code VertxHandler} is not
 *       sharable, so the factory is never called again), which lets the HTTP/1 connection, the
 *       upgrade request and the handshaker be collected;
 *   <li>swaps the WebSocket connection's outbound {@code MessagePassingQueue.queue}, only while
 *       it is empty and idle (pending-work counter {@code wip} zero), for a
 *       {@link ConcurrentLinkedQueue}: unbounded and lock-free like the original, safe for any
 *       number of producers and consumers (the original allows many producers and one
 *       consumer), FIFO, and {@link Queue#add} never fails; {@code MessagePassingQueue} uses
 *       only {@code add} and {@code poll} and counts elements itself. An empty one is 2 small
 *       objects (about 48 bytes); a queued message costs one 24-byte node. The swap is safe
 *       because it runs on the queue's consumer thread while no other thread can hold the
 *       socket yet (nothing else can write to it), and every later writer on another thread
 *       gets the socket through a synchronized hand-over (a concurrent map, a context task),
 *       which also publishes the new field value. The field is {@code final}; HotSpot does not
 *       fold instance final fields of ordinary classes into constants, so it is read like any
 *       other field;
 *   <li>replaces the WebSocket's copy of the upgrade request headers
 *       ({@code ServerWebSocket.headers()}) with one shared read-only empty map: Engine.IO copies
 *       the few headers it needs into {@link EngineHandshake} before the upgrade, and nothing
 *       reads them later.
 * </ol>
 *
 * <p><b>Clean options, checked first (none helps).</b> {@code HttpServer.webSocketHandler} and
 * {@code webSocketHandshakeHandler} accept through the same {@code acceptHandshake}, so they
 * retain the same. No {@code HttpServerOptions} setting changes the WebSocket connection's queue;
 * {@code setStrictThreadMode(true)} only makes the HTTP/1 connection write directly instead of
 * through a queue, and it throws on any response written off the connection's event loop, which
 * Engine.IO does (a polling session answers a GET that arrived on another event loop).
 *
 * <p>No upstream issue was found for this (searched eclipse-vertx/vert.x for the connection
 * factory and the MPSC chunk size); {@code VertxHandler} on the upstream main branch, as far as
 * checked, still keeps {@code connectionFactory}. Re-check on every Vert.x upgrade: the test
 * {@code VertxMemoryTrimTest} fails when the retention or the queue no longer look as described
 * here.
 *
 * <p><b>Off switch:</b> {@code -Dswitchboard.vertxMemoryTrim=false} (read at each handshake).
 * <b>Failure:</b> if the fields are missing or not accessible (another Vert.x version, Vert.x on
 * the module path without {@code --add-opens}, or a JDK that forbids changing final fields, see
 * JEP 500), a WARNING is logged once and from then on WebSockets are left as Vert.x made them;
 * each step also checks what it finds and skips anything unexpected.
 */
final class VertxMemoryTrim {
  private static final System.Logger log = System.getLogger(VertxMemoryTrim.class.getName());

  /** System property: {@code false} turns the trim off. */
  static final String PROPERTY = "switchboard.vertxMemoryTrim";

  private static final Function<ChannelHandlerContext, ?> USED_FACTORY = ctx -> {
    throw new IllegalStateException("VertxHandler connection factory already used (released by VertxMemoryTrim)");
  };

  /** One shared read-only empty map stands in for every WebSocket's copy of its upgrade headers. */
  private static final MultiMap NO_HEADERS = MultiMap.caseInsensitiveMultiMap().copy(false);

  private static final AtomicBoolean warned = new AtomicBoolean();
  /** Set after an unexpected failure: no more trimming in this JVM. */
  private static volatile boolean failed;

  /** What {@link #afterHandshake} did to one socket (for tests and logs). */
  record Result(boolean factoryReleased, boolean queueReplaced, boolean headersDropped) {
    static final Result NOTHING = new Result(false, false, false);
  }

  private VertxMemoryTrim() {}

  /** Whether the trim is on (read at each handshake) and the Vert.x internals it needs were found. */
  static boolean active() {
    return enabled() && !failed && Holder.FIELDS != null;
  }

  private static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
  }

  /**
   * Trims a server WebSocket whose handshake has completed. Call on the socket's event loop
   * before the socket is given to other code. Never throws.
   */
  static Result afterHandshake(ServerWebSocket ws) {
    if (!enabled() || failed) {
      return Result.NOTHING;
    }
    Fields f = Holder.FIELDS;
    if (f == null) {
      return Result.NOTHING;
    }
    try {
      if (!(f.unwrap(ws) instanceof WebSocketInternal internal)) {
        return Result.NOTHING;
      }
      ChannelHandlerContext chctx = internal.channelHandlerContext();
      if (chctx == null || !chctx.executor().inEventLoop() || ws.isClosed()) {
        return Result.NOTHING;
      }
      ChannelHandler handler = chctx.handler();
      if (!f.vertxHandler.isInstance(handler)) {
        return Result.NOTHING;
      }
      boolean released = false;
      Object connection = f.getConnection(handler);
      if (connection != null) {
        f.connectionFactory.set(handler, USED_FACTORY);
        released = true;
      }
      boolean replaced = connection != null && replaceQueue(f, connection);
      boolean dropped = dropHeaders(f, internal);
      return new Result(released, replaced, dropped);
    } catch (ReflectiveOperationException | RuntimeException e) {
      failed = true;
      warnOnce("could not trim a Vert.x WebSocket connection (" + e + ")", e);
      return Result.NOTHING;
    }
  }

  private static boolean replaceQueue(Fields f, Object connection) throws ReflectiveOperationException {
    Object outbound = f.outboundMessageQueue.get(connection);
    if (!f.outboundQueueClass.isInstance(outbound)) {
      return false; // e.g. a direct (unqueued) writer: nothing to trim
    }
    Object mpsc = f.mqp.get(outbound);
    if (!f.mpscClass.isInstance(mpsc)) {
      return false;
    }
    Object queue = f.queue.get(mpsc);
    if (!(queue instanceof Queue<?> q) || !f.replaceable(q)) {
      return false; // already replaced, or not the queue this was written for
    }
    if (f.wip.getLong(mpsc) != 0 || !q.isEmpty()) {
      return false; // something is being written: leave it
    }
    f.queue.set(mpsc, new ConcurrentLinkedQueue<>());
    return true;
  }

  private static boolean dropHeaders(Fields f, WebSocketInternal ws) throws ReflectiveOperationException {
    if (f.setHeaders == null || !f.webSocketBase.isInstance(ws)) {
      return false;
    }
    f.setHeaders.invoke(ws, NO_HEADERS);
    return true;
  }

  /** The outbound queue of a WebSocket's connection, for tests; null when not reachable. */
  static Queue<?> outboundQueue(ServerWebSocket ws) {
    Fields f = Holder.FIELDS;
    if (f == null) {
      return null;
    }
    try {
      if (!(f.unwrap(ws) instanceof WebSocketInternal internal)) {
        return null;
      }
      Object connection = f.getConnection(internal.channelHandlerContext().handler());
      Object outbound = f.outboundMessageQueue.get(connection);
      return (Queue<?>) f.queue.get(f.mqp.get(outbound));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static void warnOnce(String message, Throwable e) {
    if (warned.compareAndSet(false, true)) {
      log.log(System.Logger.Level.WARNING, "Vert.x WebSocket memory trim disabled, WebSockets keep about 12 KB"
          + " more each: " + message + ". Silence this with -D" + PROPERTY + "=false", e);
    }
  }

  /** Looks the internals up on first use, once. */
  private static final class Holder {
    static final Fields FIELDS = Fields.load();
  }

  /** The Vert.x internals. */
  private static final class Fields {
    final Class<?> vertxHandler;
    final java.lang.reflect.Method getConnection;
    final Field connectionFactory;
    final Field outboundMessageQueue;
    final Class<?> outboundQueueClass;
    final Field mqp;
    final Class<?> mpscClass;
    final Field queue;
    final Field wip;
    final Class<?> webSocketBase;
    final java.lang.reflect.Method setHeaders;
    /** Vert.x Web's wrapper of a socket accepted through a router, and its delegate (both may be absent). */
    final Class<?> webWrapper;
    final Field webWrapperDelegate;

    private Fields() throws ReflectiveOperationException {
      ClassLoader cl = ServerWebSocket.class.getClassLoader();
      vertxHandler = Class.forName("io.vertx.core.net.impl.VertxHandler", false, cl);
      getConnection = vertxHandler.getMethod("getConnection");
      connectionFactory = accessible(vertxHandler.getDeclaredField("connectionFactory"), Function.class);
      Class<?> vertxConnection = Class.forName("io.vertx.core.net.impl.VertxConnection", false, cl);
      outboundMessageQueue = accessible(vertxConnection.getDeclaredField("outboundMessageQueue"), null);
      outboundQueueClass = Class.forName("io.vertx.core.internal.concurrent.OutboundMessageQueue", false, cl);
      mqp = accessible(outboundQueueClass.getDeclaredField("mqp"), null);
      mpscClass = Class.forName("io.vertx.core.streams.impl.MessagePassingQueue$MpSc", false, cl);
      Class<?> messagePassingQueue = Class.forName("io.vertx.core.streams.impl.MessagePassingQueue", false, cl);
      queue = accessible(messagePassingQueue.getDeclaredField("queue"), Queue.class);
      wip = accessible(mpscClass.getDeclaredField("wip"), long.class);
      webSocketBase = Class.forName("io.vertx.core.http.impl.websocket.WebSocketImplBase", false, cl);
      setHeaders = webSocketBase.getMethod("headers", MultiMap.class);
      Class<?> wrapper = null;
      Field delegate = null;
      try {
        wrapper = Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper", false,
            VertxMemoryTrim.class.getClassLoader());
        delegate = accessible(wrapper.getDeclaredField("delegate"), ServerWebSocket.class);
      } catch (ClassNotFoundException e) {
        wrapper = null; // no Vert.x Web: sockets come straight from Vert.x core
      }
      webWrapper = wrapper;
      webWrapperDelegate = delegate;
    }

    /** The Vert.x core socket behind a Vert.x Web wrapper (a router's {@code toWebSocket()}). */
    Object unwrap(ServerWebSocket ws) throws ReflectiveOperationException {
      return webWrapper != null && webWrapper.isInstance(ws) ? webWrapperDelegate.get(ws) : ws;
    }

    static Fields load() {
      try {
        return new Fields();
      } catch (ReflectiveOperationException | RuntimeException e) {
        warnOnce("Vert.x internals not found or not accessible (" + e + ")", e);
        return null;
      }
    }

    Object getConnection(Object handler) throws ReflectiveOperationException {
      return getConnection.invoke(handler);
    }

    /** Only the queue Netty's {@code PlatformDependent.newMpscQueue()} makes is replaced. */
    boolean replaceable(Queue<?> q) {
      String name = q.getClass().getName();
      return name.endsWith(".MpscUnboundedArrayQueue") || name.endsWith(".MpscUnboundedAtomicArrayQueue");
    }

    private static Field accessible(Field field, Class<?> expectedType) {
      if (expectedType != null && field.getType() != expectedType) {
        throw new IllegalStateException(field + " is not of type " + expectedType.getName());
      }
      field.setAccessible(true);
      return field;
    }
  }
}
