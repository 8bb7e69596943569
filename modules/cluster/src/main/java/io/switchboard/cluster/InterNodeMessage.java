package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;

/**
 * The messages nodes send each other: a small, typed, versioned set with one codec
 * ({@link InterNodeCodec}). Every message names the node it comes from. A node that receives a
 * type or version it does not know logs it and drops it.
 */
public sealed interface InterNodeMessage permits Deliver, PollRequest, PollResponse, PollCancel {
  /** The wire version of the message set. */
  int VERSION = 1;

  NodeId origin();
}
