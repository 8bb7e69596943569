package io.switchboard.signaling.store;

import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * Group membership (users) and group rooms (the sockets that joined a group's room and are rung
 * by group calls). Same threading and failure rules as {@link MeetingStore}.
 */
public interface GroupStore {

  /** Replaces the members; returns the users that were members before and are not now. */
  Future<Set<UserId>> setMembers(GroupId group, Set<UserId> members);

  /** Adds a member; false when it was one already. */
  Future<Boolean> addMember(GroupId group, UserId user);

  /** Removes a member; false when it was not one. */
  Future<Boolean> removeMember(GroupId group, UserId user);

  /** The members (empty when the group is unknown). */
  Future<Set<UserId>> members(GroupId group);

  /** The groups a user belongs to. */
  Future<Set<GroupId>> groupsOf(UserId user);

  /** Puts a socket in the group's room (idempotent). */
  Future<Void> joinRoom(GroupId group, SocketRef socket);

  /** Takes a socket out of the group's room; false when it was not in. */
  Future<Boolean> leaveRoom(GroupId group, SocketId socket);

  /** The sockets in the group's room. */
  Future<List<SocketRef>> roomSockets(GroupId group);

  /** Takes the socket out of every group room (it disconnected); returns those groups. */
  Future<List<GroupId>> removeSocket(SocketId socket);
}
