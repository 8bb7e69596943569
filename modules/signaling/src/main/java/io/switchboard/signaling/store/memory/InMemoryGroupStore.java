package io.switchboard.signaling.store.memory;

import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.GroupStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Groups and group rooms in this process's memory; one lock, held for microseconds. */
public final class InMemoryGroupStore implements GroupStore {
  private final Map<GroupId, Set<UserId>> members = new HashMap<>();
  private final Map<UserId, Set<GroupId>> groupsByUser = new HashMap<>();
  private final Map<GroupId, LinkedHashMap<SocketId, SocketRef>> rooms = new HashMap<>();
  private final Map<SocketId, Set<GroupId>> roomsBySocket = new HashMap<>();

  @Override
  public synchronized Future<Set<UserId>> setMembers(GroupId group, Set<UserId> newMembers) {
    Set<UserId> previous = members.getOrDefault(group, Set.of());
    Set<UserId> removed = new HashSet<>(previous);
    removed.removeAll(newMembers);
    for (UserId u : removed) {
      unlinkLocked(group, u);
    }
    for (UserId u : newMembers) {
      linkLocked(group, u);
    }
    if (newMembers.isEmpty()) {
      members.remove(group);
    }
    return Future.succeededFuture(Set.copyOf(removed));
  }

  @Override
  public synchronized Future<Boolean> addMember(GroupId group, UserId user) {
    return Future.succeededFuture(linkLocked(group, user));
  }

  @Override
  public synchronized Future<Boolean> removeMember(GroupId group, UserId user) {
    return Future.succeededFuture(unlinkLocked(group, user));
  }

  private boolean linkLocked(GroupId group, UserId user) {
    boolean added = members.computeIfAbsent(group, k -> new LinkedHashSet<>()).add(user);
    groupsByUser.computeIfAbsent(user, k -> new LinkedHashSet<>()).add(group);
    return added;
  }

  private boolean unlinkLocked(GroupId group, UserId user) {
    Set<UserId> m = members.get(group);
    boolean removed = m != null && m.remove(user);
    if (m != null && m.isEmpty()) {
      members.remove(group);
    }
    Set<GroupId> g = groupsByUser.get(user);
    if (g != null) {
      g.remove(group);
      if (g.isEmpty()) {
        groupsByUser.remove(user);
      }
    }
    return removed;
  }

  @Override
  public synchronized Future<Set<UserId>> members(GroupId group) {
    return Future.succeededFuture(Set.copyOf(members.getOrDefault(group, Set.of())));
  }

  @Override
  public synchronized Future<Set<GroupId>> groupsOf(UserId user) {
    return Future.succeededFuture(Set.copyOf(groupsByUser.getOrDefault(user, Set.of())));
  }

  @Override
  public synchronized Future<Void> joinRoom(GroupId group, SocketRef socket) {
    rooms.computeIfAbsent(group, k -> new LinkedHashMap<>()).put(socket.id(), socket);
    roomsBySocket.computeIfAbsent(socket.id(), k -> new HashSet<>()).add(group);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> leaveRoom(GroupId group, SocketId socket) {
    return Future.succeededFuture(leaveLocked(group, socket));
  }

  private boolean leaveLocked(GroupId group, SocketId socket) {
    LinkedHashMap<SocketId, SocketRef> room = rooms.get(group);
    boolean removed = room != null && room.remove(socket) != null;
    if (room != null && room.isEmpty()) {
      rooms.remove(group);
    }
    Set<GroupId> of = roomsBySocket.get(socket);
    if (of != null) {
      of.remove(group);
      if (of.isEmpty()) {
        roomsBySocket.remove(socket);
      }
    }
    return removed;
  }

  @Override
  public synchronized Future<List<SocketRef>> roomSockets(GroupId group) {
    LinkedHashMap<SocketId, SocketRef> room = rooms.get(group);
    return Future.succeededFuture(room == null ? List.of() : List.copyOf(room.values()));
  }

  @Override
  public synchronized Future<List<GroupId>> removeSocket(SocketId socket) {
    Set<GroupId> of = roomsBySocket.get(socket);
    if (of == null) {
      return Future.succeededFuture(List.of());
    }
    List<GroupId> left = new ArrayList<>(of);
    for (GroupId g : left) {
      leaveLocked(g, socket);
    }
    return Future.succeededFuture(left);
  }
}
