package io.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.engine.EngineServer;
import io.switchboard.protocol.socketio.ConnectError;
import io.switchboard.protocol.socketio.Namespace;
import io.switchboard.protocol.socketio.SioSocket;
import io.switchboard.protocol.socketio.SocketIoServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The behaviour the official Engine.IO and Socket.IO conformance suites ({@code test-suite/} of
 * socketio/engine.io-protocol and socketio/socket.io-protocol) expect from the server under test.
 * Installed only with {@code SWITCHBOARD_PROFILE=conformance}; the product never answers these
 * events.
 */
final class ConformanceProfile {
  static final String ENGINE_PATH = "/engine.io/";

  private ConformanceProfile() {}

  static void install(Vertx vertx, ServerConfig config, SocketIoServer socketIo, Router router) {
    // A raw Engine.IO endpoint that echoes every message, text as text and binary as binary.
    EngineServer echo = new EngineServer(vertx, config.engine());
    echo.connectionHandler(session -> {
      session.messageHandler(session::send);
      session.binaryHandler(session::send);
    });
    router.route(ENGINE_PATH).handler(echo.routeHandler());

    Namespace main = socketIo.of("/");
    Namespace custom = socketIo.of("/custom");
    for (Namespace nsp : new Namespace[] {main, custom}) {
      nsp.use(ConformanceProfile::refuseRejectMe);
      nsp.onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
    }
    main.onConnection(ConformanceProfile::testEvents);
  }

  private static Future<Void> refuseRejectMe(SioSocket socket) {
    JsonNode token = socket.handshake().auth().get("token");
    if (token != null && "reject-me".equals(token.asText())) {
      return Future.failedFuture(new ConnectError("Authentication error"));
    }
    return Future.succeededFuture();
  }

  private static void testEvents(SioSocket socket) {
    socket.on("message", (args, ack) -> socket.emit("message-back", args.values()));
    socket.on("message-with-ack", (args, ack) -> {
      if (ack != null) {
        ack.send(args.values());
      }
    });
    socket.on("force-transport-close", (args, ack) -> socket.closeTransport());
    socket.on("force-disconnect", (args, ack) -> socket.disconnect(false));
  }
}
