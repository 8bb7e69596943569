package io.switchboard.signaling.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import java.util.Objects;

/**
 * A call. 1:1 calls have a callee; group calls have a group instead.
 *
 * @param callerSocket the socket that placed the call: the call ends when it disconnects
 * @param data what the server echoes in its own events about the call: for {@link CallFlavor#VIDEO_CALL}
 *     the call data as the caller sent it plus {@code callId}; for {@link CallFlavor#WEBRTC}
 *     {@code {callId, type}}
 * @param owner the node that runs the ring timer
 * @param answeredBy the socket that accepted, once connected (the first one, for group calls)
 */
public record Call(
    CallId id,
    CallFlavor flavor,
    UserId caller,
    SocketRef callerSocket,
    UserId callee,
    GroupId group,
    CallState state,
    JsonNode data,
    long createdAt,
    NodeId owner,
    SocketRef answeredBy) {

  public Call {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(flavor, "flavor");
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(callerSocket, "callerSocket");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(owner, "owner");
    if ((callee == null) == (group == null)) {
      throw new IllegalArgumentException("a call has either a callee or a group");
    }
    if (caller.equals(callee)) {
      throw new IllegalArgumentException("a call needs two users");
    }
    if ((state == CallState.CONNECTED) != (answeredBy != null)) {
      throw new IllegalArgumentException("a connected call, and only one, has the socket that answered");
    }
  }

  /** A new ringing 1:1 call. */
  public static Call oneToOne(CallId id, CallFlavor flavor, UserId caller, SocketRef callerSocket, UserId callee,
      JsonNode data, long createdAt, NodeId owner) {
    return new Call(id, flavor, caller, callerSocket, callee, null, CallState.RINGING, data, createdAt, owner, null);
  }

  /** A new ringing group call (seed 002 only). */
  public static Call group(CallId id, UserId caller, SocketRef callerSocket, GroupId group, JsonNode data,
      long createdAt, NodeId owner) {
    return new Call(id, CallFlavor.VIDEO_CALL, caller, callerSocket, null, group, CallState.RINGING, data, createdAt,
        owner, null);
  }

  public boolean isGroup() {
    return group != null;
  }

  public boolean isRinging() {
    return state == CallState.RINGING;
  }

  /** Whether {@code user} is the caller or the callee (group members are not parties here). */
  public boolean isParty(UserId user) {
    return caller.equals(user) || user.equals(callee);
  }

  /** The other party of a 1:1 call, seen from {@code user} (who must be a party). */
  public UserId other(UserId user) {
    return caller.equals(user) ? callee : caller;
  }

  public Call connected(SocketRef by) {
    return new Call(id, flavor, caller, callerSocket, callee, group, CallState.CONNECTED, data, createdAt, owner,
        Objects.requireNonNull(by, "by"));
  }
}
