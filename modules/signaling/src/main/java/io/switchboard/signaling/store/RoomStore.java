package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.vertx.core.Future;
import java.util.List;

/**
 * Mesh relay rooms (seed 000). Members are sockets; a socket joining twice counts once, so the
 * "Room is full" on a re-join cannot happen. Same threading and failure rules as
 * {@link MeetingStore}.
 */
public interface RoomStore {

  /**
   * Atomically adds the member unless its socket is in already ({@code alreadyMember}). A new
   * member of a room that holds {@code capacity} sockets fails {@code room_full} ("Room is full").
   */
  Future<RoomJoin> join(RoomId room, RoomMember member, int capacity);

  /** Removes the socket and reports who remained; null when it was not in. */
  Future<RoomLeave> leave(RoomId room, SocketId socket);

  /** The members in join order (empty when none). */
  Future<List<RoomMember>> members(RoomId room);

  /** The membership of {@code socket}, or null. */
  Future<RoomMember> member(RoomId room, SocketId socket);

  /** Removes the socket from every room (it disconnected); one leave per room. */
  Future<List<RoomLeave>> removeSocket(SocketId socket);
}
