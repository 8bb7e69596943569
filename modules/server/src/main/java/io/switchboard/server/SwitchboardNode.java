package io.switchboard.server;

import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.EventBusRouter;
import io.switchboard.cluster.NodeTags;
import io.switchboard.cluster.NodeLiveness;
import io.switchboard.cluster.NearCaches;
import io.switchboard.protocol.engine.EngineServer;
import io.switchboard.signaling.store.Stores;
import io.switchboard.protocol.socketio.Namespace;
import io.switchboard.protocol.socketio.SocketIoServer;
import io.switchboard.server.api.HttpApi;
import io.switchboard.server.auth.JwtIdentityProvider;
import io.switchboard.server.binding.IdentityProvider;
import io.switchboard.server.binding.LocalDelivery;
import io.switchboard.server.binding.LocalOutbound;
import io.switchboard.server.binding.SignalingBinding;
import io.switchboard.server.metrics.MetricsEndpoint;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.signaling.Outbound;
import io.switchboard.signaling.Passwords;
import io.switchboard.signaling.Signaling;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Switchboard node: the composition root. Builds the Engine.IO and Socket.IO servers, mounts
 * them, installs the profile (the product: the signaling domain bound to Socket.IO with open or
 * JWT identity, and the HTTP API under {@code /api}), and runs one HTTP server instance per event
 * loop on the port.
 */
public final class SwitchboardNode {
  private static final System.Logger log = System.getLogger(SwitchboardNode.class.getName());
  public static final String SOCKET_IO_PATH = "/socket.io/";

  private final Vertx vertx;
  private final ServerConfig config;
  private final Backend backend;
  private final EngineServer engine;
  private final SocketIoServer socketIo;
  private final Router router;
  private final Signaling signaling;
  private final SignalingBinding binding;
  private final EventBusRouter clusterRouter;
  private NodeLiveness liveness;
  private final JwtIdentityProvider jwt;
  private final NodeMetrics metrics;
  /** How long a drain waits at most for polling clients to fetch their close packet. */
  private static final long FAREWELL_WAIT_MS = 2_000;
  /** Near-cache copies per kind (users, calls) at most: a few MB. */
  private static final int NEAR_CACHE_ENTRIES = 100_000;
  private final NearCaches nearCaches;
  private volatile boolean draining;
  private String deploymentId;
  private int actualPort;

  private SwitchboardNode(Vertx vertx, ServerConfig config, Backend backend) {
    this.vertx = vertx;
    this.config = config;
    this.backend = backend;
    this.engine = new EngineServer(vertx, config.engine());
    this.socketIo = new SocketIoServer(engine, config.socketIo());
    this.router = Router.router(vertx);
    this.metrics = new NodeMetrics(backend.node().value());
    metrics.engine(engine);
    metrics.draining(() -> draining);
    metrics.clusterSize(this::clusterSize);
    backend.observeRedis().accept(metrics.redis());
    router.route(SOCKET_IO_PATH).handler(engine.routeHandler());
    new Health(this::ready).mount(router);
    MetricsEndpoint.mount(router, vertx, metrics);
    if (config.profile() == ServerConfig.Profile.CONFORMANCE) {
      ConformanceProfile.install(vertx, config, socketIo, router);
      this.signaling = null;
      this.binding = null;
      this.clusterRouter = null;
      this.nearCaches = null;
      this.jwt = null;
    } else {
      NodeId node = backend.node();
      Namespace main = socketIo.sockets();
      LocalDelivery local = new LocalDelivery(main, metrics.signaling());
      Outbound out;
      Stores stores = backend.stores();
      if (backend.clustered() && !config.cluster().nearCacheTtl().isZero()) {
        // Scoped by the shared state (the Redis key prefix): nodes that share it share copies. Several
        // states in one Vert.x cluster (the test fixtures) each get their own channel.
        String scope = config.cluster().clusterName() + "." + (config.redis() == null ? "" : config.redis().prefix());
        this.nearCaches = new NearCaches(vertx, scope, config.cluster().nearCacheTtl(), NEAR_CACHE_ENTRIES);
        stores = nearCaches.wrap(stores);
        metrics.nearCaches(nearCaches::stats);
      } else {
        this.nearCaches = null;
      }
      if (backend.clustered()) {
        this.clusterRouter = new EventBusRouter(vertx, node, local);
        metrics.router(clusterRouter);
        out = clusterRouter;
        Duration pollTimeout = config.engine().pingInterval().plus(config.engine().pingTimeout()).plusSeconds(5);
        ClusterPolling polling = new ClusterPolling(clusterRouter, new NodeTags(() -> ClusterNode.members(vertx)),
            pollTimeout);
        engine.remoteSessions(polling);
        polling.serve(engine);
      } else {
        this.clusterRouter = null;
        out = new LocalOutbound(node, local);
      }
      this.signaling = new Signaling(vertx, node, stores, out, config.signaling(),
          new Passwords(vertx, config.bcryptCost()), System::currentTimeMillis);
      this.jwt = config.jwt().enabled() ? JwtIdentityProvider.create(vertx, config.jwt(), config.signaling().limits()) : null;
      IdentityProvider identities = jwt != null ? jwt : IdentityProvider.open();
      metrics.inboundEvents(signaling.events());
      this.binding = new SignalingBinding(signaling, node, identities, config.rateLimit(), backend.registry(),
          metrics.signaling());
      binding.install(main);
      new HttpApi(signaling, config.api(), config.engine().corsOrigins()).mount(router);
      if (jwt != null) {
        jwt.start();
      }
    }
  }

  /** The signaling domain (null in the conformance profile). */
  public Signaling signaling() {
    return signaling;
  }

  /** The backend: state, registry, leases. */
  public Backend backend() {
    return backend;
  }

  /** The cluster router (null on a single node): inter-node message counts. */
  public EventBusRouter clusterRouter() {
    return clusterRouter;
  }

  /** Members of this node's cluster as it sees them (1 on a single node, 0 once it left). */
  private int clusterSize() {
    if (!backend.clustered() || !ClusterNode.clustered(vertx)) {
      return 1;
    }
    try {
      return ClusterNode.members(vertx).size();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** This node's meters ({@code /metrics}). */
  public NodeMetrics metrics() {
    return metrics;
  }

  /** Starts a single node with everything in memory; port 0 picks a free port (see {@link #port()}). */
  public static Future<SwitchboardNode> start(Vertx vertx, ServerConfig config) {
    return start(vertx, config, Backend.inMemory(NodeId.of(config.nodeId())));
  }

  /**
   * Starts a node on the given backend. In a cluster ({@code backend.clustered()}, on a Vert.x
   * started by {@link io.switchboard.cluster.ClusterNode}) it also opens the node's inbox on the
   * clustered event bus and starts its liveness: the lease, and the cleanup of dead nodes.
   */
  public static Future<SwitchboardNode> start(Vertx vertx, ServerConfig config, Backend backend) {
    SwitchboardNode node = new SwitchboardNode(vertx, config, backend);
    Future<Void> clustered = Future.succeededFuture();
    if (node.clusterRouter != null) {
      node.liveness = new NodeLiveness(vertx, backend.node(), backend.leases(), backend.registry(),
          node.signaling::socketGone, config.cluster().leaseTtl());
      // The shared state no longer knows this node. Declared dead while frozen: its sockets' state
      // was cleaned up, so their clients reconnect and rebuild it. Redis lost its data: the live
      // sockets are recorded again, so a survivor can clean them up if this node dies later.
      node.liveness.onForgotten(frozen -> {
        if (frozen) {
          node.engine.closeAll();
        } else {
          for (var socket : node.socketIo.sockets().sockets()) {
            backend.registry().add(new SocketRef(SocketId.of(socket.id()), backend.node()));
          }
        }
      });
      node.metrics.liveness(node.liveness);
      clustered = node.clusterRouter.start()
          .compose(v -> node.nearCaches == null ? Future.succeededFuture() : node.nearCaches.start())
          .compose(v -> node.liveness.start());
    }
    return clustered.compose(v -> node.listen()).map(node);
  }

  /** Cluster liveness (null on a single node): dead-node cleanup counters. */
  public NodeLiveness liveness() {
    return liveness;
  }

  /**
   * Ready for traffic: not draining, still a member of its cluster (Hazelcast running, this node
   * among the members), and the shared state answers. Kubernetes' readiness probe asks this.
   */
  public Future<Void> ready() {
    if (draining) {
      return Future.failedFuture("draining");
    }
    if (backend.clustered() && !ClusterNode.healthy(vertx)) {
      return Future.failedFuture("not a cluster member");
    }
    return backend.ping().get();
  }

  public boolean draining() {
    return draining;
  }

  private Future<Void> listen() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setTcpNoDelay(true)
        .setMaxWebSocketFrameSize(config.engine().maxPayload())
        .setMaxWebSocketMessageSize(config.engine().maxPayload())
        .setRegisterWebSocketWriteHandlers(false)
        // A client that never answers our close frame (io.socket's Java client) is let go after
        // 2 s instead of Vert.x's 10, so a drain is not held up by it.
        .setWebSocketClosingTimeout(2);
    Handler<HttpServerRequest> handler = router;
    // One server instance per event loop, all on one port. Port 0 means any free port: Vert.x
    // shares a random port among servers that listen on the same sharedRandomPort id.
    SocketAddress address = config.port() == 0
        ? SocketAddress.sharedRandomPort(System.identityHashCode(this), config.host())
        : SocketAddress.inetSocketAddress(config.port(), config.host());
    AtomicInteger bound = new AtomicInteger();
    return vertx.deployVerticle(() -> new HttpVerticle(options, address, handler, bound),
            new DeploymentOptions().setInstances(config.eventLoops()))
        .<Void>map(id -> {
          deploymentId = id;
          actualPort = bound.get();
          return null;
        })
        .onSuccess(v -> log.log(System.Logger.Level.INFO, "switchboard listening on " + config.host() + ":" + actualPort
            + " (profile " + config.profile().name().toLowerCase() + ", " + config.eventLoops() + " event loops, "
            + (vertx.isNativeTransportEnabled() ? "native epoll" : "JDK NIO") + " transport, identity "
            + (config.jwt().secret() != null ? "JWT HS256" : config.jwt().jwksUrl() != null ? "JWT from "
                + config.jwt().jwksUrl() : "open") + ")"));
  }

  public int port() {
    return actualPort;
  }

  public ServerConfig config() {
    return config;
  }

  public SocketIoServer socketIo() {
    return socketIo;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Drains the node: readiness turns false, new handshakes are refused, every client connection
   * is closed (clients reconnect elsewhere by themselves), and each socket's cleanup runs (its
   * meetings, rooms, calls and user mapping are removed and the others told). Completes when all
   * cleanups finished or {@code timeout} passed. The HTTP servers close with Vert.x.
   */
  public Future<Void> drain(java.time.Duration timeout) {
    draining = true;
    engine.stopAccepting();
    Future<Void> cleaned = binding == null ? Future.succeededFuture() : binding.whenAllCleanedUp();
    return engine.closeAll()
        .compose(v -> Future.join(
            cleaned.timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .recover(e -> {
                  log.log(System.Logger.Level.WARNING, "drain: " + (binding == null ? 0 : binding.liveSockets())
                      + " socket cleanups still running after " + timeout.toMillis() + " ms");
                  return Future.succeededFuture();
                }),
            // Polling clients between two GETs fetch their close packet before the port closes.
            engine.farewellsDelivered(Math.min(timeout.toMillis(), FAREWELL_WAIT_MS)))
            .<Void>mapEmpty())
        .eventually(() -> liveness == null ? Future.succeededFuture() : liveness.stop())
        // Its sockets were cleaned up by their own disconnects: the node leaves nothing behind.
        .eventually(() -> liveness == null ? Future.succeededFuture() : backend.leases().forget(backend.node()))
        .eventually(() -> clusterRouter == null ? Future.succeededFuture() : clusterRouter.stop())
        .eventually(() -> nearCaches == null ? Future.succeededFuture() : nearCaches.stop())
        .eventually(() -> jwt == null ? Future.succeededFuture() : jwt.close())
        .andThen(ar -> metrics.close());
  }

  /** Drains with a 10 s bound. */
  public Future<Void> stop() {
    return drain(java.time.Duration.ofSeconds(10));
  }

  private static final class HttpVerticle extends VerticleBase {
    private final AtomicInteger bound;
    private final HttpServerOptions options;
    private final SocketAddress address;
    private final Handler<HttpServerRequest> handler;
    private HttpServer server;

    HttpVerticle(HttpServerOptions options, SocketAddress address, Handler<HttpServerRequest> handler, AtomicInteger bound) {
      this.bound = bound;
      this.options = options;
      this.address = address;
      this.handler = handler;
    }

    @Override
    public Future<?> start() {
      server = vertx.createHttpServer(options).requestHandler(handler);
      return server.listen(address).onSuccess(s -> bound.set(s.actualPort()));
    }

    @Override
    public Future<?> stop() {
      return server == null ? Future.succeededFuture() : server.close();
    }
  }
}
