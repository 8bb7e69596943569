package io.switchboard.protocol.engine;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.Promise;

/**
 * One polling request as a session sees it: answered once, possibly by a client that went away.
 * Local requests wrap the HTTP request; forwarded ones complete a promise whose value travels back
 * to the node that holds the HTTP request.
 */
abstract sealed class PollExchange permits PollExchange.Local, PollExchange.Forwarded {

  /** Answers the request (ignored when already answered or the client is gone). */
  abstract void answer(int status, String contentType, String body, boolean closeConnection);

  /** Runs {@code task} if the client goes away before the answer. */
  abstract void onClientGone(Runnable task);

  final void text(String body) {
    answer(200, "text/plain; charset=UTF-8", body, false);
  }

  final void reject(EngineError error) {
    answer(error.status(), "application/json", error.json(), false);
  }

  static final class Local extends PollExchange {
    private final EngineServer server;
    private final HttpServerRequest req;

    Local(EngineServer server, HttpServerRequest req) {
      this.server = server;
      this.req = req;
    }

    @Override
    void answer(int status, String contentType, String body, boolean closeConnection) {
      HttpServerResponse res = req.response();
      if (res.ended() || res.closed()) {
        return;
      }
      server.cors(req, res);
      res.setStatusCode(status);
      if (contentType != null) {
        res.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
      }
      if (closeConnection) {
        res.putHeader(HttpHeaders.CONNECTION, "close");
      }
      res.end(body == null ? "" : body);
    }

    @Override
    void onClientGone(Runnable task) {
      req.response().closeHandler(v -> task.run());
    }
  }

  static final class Forwarded extends PollExchange {
    private final Promise<PollReply> reply;
    private volatile Runnable gone;

    Forwarded(Promise<PollReply> reply) {
      this.reply = reply;
    }

    @Override
    void answer(int status, String contentType, String body, boolean closeConnection) {
      reply.tryComplete(new PollReply(status, contentType, body == null ? "" : body, closeConnection));
    }

    @Override
    void onClientGone(Runnable task) {
      gone = task;
    }

    /** The forwarding node says its client went away. */
    void clientGone() {
      Runnable task = gone;
      if (task != null && reply.tryFail("client gone")) {
        task.run();
      }
    }
  }
}
