package io.switchboard.server;

import io.switchboard.cluster.EventBusRouter;
import io.switchboard.cluster.NodeTags;
import io.switchboard.cluster.PollCancel;
import io.switchboard.cluster.PollRequest;
import io.switchboard.cluster.PollResponse;
import io.switchboard.protocol.engine.EngineServer;
import io.switchboard.protocol.engine.PollForward;
import io.switchboard.protocol.engine.PollReply;
import io.switchboard.protocol.engine.RemoteSessions;
import io.switchboard.signaling.ids.NodeId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * Polling without sticky sessions: session ids start with their node's tag; a polling request
 * for another node's session is carried to it over the clustered event bus and its answer
 * written back here. Both directions: this node forwards, and serves what others forward.
 */
final class ClusterPolling implements RemoteSessions {
  private final EventBusRouter router;
  private final NodeId self;
  private final String localTag;
  private final NodeTags tags;
  private final Duration timeout;

  /**
   * @param timeout how long a forwarded request may take: a GET waits up to a ping interval on
   *     its owner, so more than ping interval plus ping timeout
   */
  ClusterPolling(EventBusRouter router, NodeTags tags, Duration timeout) {
    this.router = router;
    this.self = router.self();
    this.localTag = NodeTags.of(self);
    this.tags = tags;
    this.timeout = timeout;
  }

  /** Serves the requests other nodes forward to this node's engine. */
  void serve(EngineServer engine) {
    router.pollHandler(
        r -> engine.handleForwarded(new PollForward(r.exchangeId(), r.sid(), r.post(), Buffer.buffer(r.body()), r.tooLarge()))
            .map(reply -> new PollResponse(self, reply.status(), reply.contentType(), reply.body(), reply.closeConnection())),
        c -> engine.cancelForwarded(c.exchangeId()));
  }

  @Override
  public String localTag() {
    return localTag;
  }

  @Override
  public boolean isRemote(String sid) {
    return sid.length() > NodeTags.LENGTH && !sid.startsWith(localTag) && tags.owner(sid) != null;
  }

  @Override
  public Future<PollReply> forward(PollForward request) {
    NodeId owner = tags.owner(request.sid());
    if (owner == null) {
      return Future.failedFuture("the node of session " + request.sid() + " is gone");
    }
    return router.forwardPoll(owner, new PollRequest(self, request.exchangeId(), request.sid(), request.post(),
            request.body().getBytes(), request.tooLarge()), timeout)
        .map(r -> new PollReply(r.status(), r.contentType(), r.body(), r.closeConnection()));
  }

  @Override
  public void cancel(String sid, String exchangeId) {
    NodeId owner = tags.owner(sid);
    if (owner != null) {
      router.cancelPoll(owner, new PollCancel(self, sid, exchangeId));
    }
  }
}
