package io.switchboard.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import java.util.Objects;

/**
 * The domain's view of one connected socket: where it is, who it proved to be, and which user it
 * registered as (open mode). Created by the binding on connect; any thread.
 */
public final class Client {
  private final SocketRef ref;
  private final Identity identity;
  private final ClientChannel channel;
  private volatile UserId registeredUser;
  private volatile UserId lastRegisteredUser;
  private volatile String registeredName;
  /** Rooms and group rooms this socket joined itself ("r:" / "g:" + id), to cap them. */
  private final java.util.Set<String> joined = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Client(SocketRef ref, Identity identity, ClientChannel channel) {
    this.ref = Objects.requireNonNull(ref);
    this.identity = Objects.requireNonNull(identity);
    this.channel = Objects.requireNonNull(channel);
  }

  public SocketRef ref() {
    return ref;
  }

  public SocketId socketId() {
    return ref.id();
  }

  public Identity identity() {
    return identity;
  }

  /** The user this socket acts as: the verified one, else the one it registered as, else null. */
  public UserId user() {
    return identity.verified() ? identity.user() : registeredUser;
  }

  /** The display name: the token's, else the registered one, else null. */
  public String userName() {
    if (identity.verified() && identity.name() != null) {
      return identity.name();
    }
    return registeredName;
  }

  /**
   * The user whose state this socket may have left behind: the one it acts as now, else the last
   * one it registered as (a socket that sent leaveVideoRoom may still be in that user's call).
   */
  public UserId userForCleanup() {
    UserId now = user();
    return now != null ? now : lastRegisteredUser;
  }

  void registered(UserId user, String name) {
    this.registeredUser = user;
    this.lastRegisteredUser = user;
    if (name != null) {
      this.registeredName = name;
    }
  }

  void unregistered() {
    this.registeredUser = null;
  }

  /** Checks the per-socket cap before joining {@code key}; refuses with {@code too_large}. */
  public void mayJoin(String key) {
    if (!joined.contains(key) && joined.size() >= Limits.MAX_ROOMS_PER_SOCKET) {
      throw new SignalingException(ErrorCode.TOO_LARGE,
          "A socket may join at most " + Limits.MAX_ROOMS_PER_SOCKET + " rooms and groups");
    }
  }

  public void joined(String key) {
    joined.add(key);
  }

  public void left(String key) {
    joined.remove(key);
  }

  public void emit(String event, JsonNode payload) {
    channel.emit(event, payload);
  }

  /**
   * The user a request acts for. With a verified identity a declared id must match it (else
   * {@code unauthorized}, "Unauthorized"); in open mode the declared id is trusted.
   */
  public UserId actingAs(String declared) {
    if (identity.verified()) {
      if (declared != null && !declared.equals(identity.user().value())) {
        throw SignalingException.unauthorized("Unauthorized");
      }
      return identity.user();
    }
    if (declared == null) {
      throw SignalingException.badRequest("userId is required");
    }
    return UserId.of(declared);
  }
}
