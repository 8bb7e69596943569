package io.switchboard.signaling.store.memory;

import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.RoomId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.store.RoomJoin;
import io.switchboard.signaling.store.RoomLeave;
import io.switchboard.signaling.store.RoomMember;
import io.switchboard.signaling.store.RoomStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Mesh rooms in this process's memory; one lock, held for microseconds. */
public final class InMemoryRoomStore implements RoomStore {
  private final Map<RoomId, LinkedHashMap<SocketId, RoomMember>> rooms = new HashMap<>();
  private final Map<SocketId, Set<RoomId>> bySocket = new HashMap<>();

  @Override
  public synchronized Future<RoomJoin> join(RoomId room, RoomMember member, int capacity) {
    LinkedHashMap<SocketId, RoomMember> members = rooms.get(room);
    SocketId socket = member.socket().id();
    if (members != null && members.containsKey(socket)) {
      List<RoomMember> others = new ArrayList<>(members.size());
      for (RoomMember m : members.values()) {
        if (!m.socket().id().equals(socket)) {
          others.add(m);
        }
      }
      return Future.succeededFuture(new RoomJoin(true, others));
    }
    int size = members == null ? 0 : members.size();
    if (size >= capacity) {
      return Future.failedFuture(new SignalingException(ErrorCode.ROOM_FULL, "Room is full"));
    }
    if (members == null) {
      members = new LinkedHashMap<>();
      rooms.put(room, members);
    }
    List<RoomMember> others = new ArrayList<>(members.values());
    members.put(socket, member);
    bySocket.computeIfAbsent(socket, k -> new HashSet<>()).add(room);
    return Future.succeededFuture(new RoomJoin(false, others));
  }

  @Override
  public synchronized Future<RoomLeave> leave(RoomId room, SocketId socket) {
    return Future.succeededFuture(leaveLocked(room, socket));
  }

  private RoomLeave leaveLocked(RoomId room, SocketId socket) {
    LinkedHashMap<SocketId, RoomMember> members = rooms.get(room);
    if (members == null) {
      return null;
    }
    RoomMember removed = members.remove(socket);
    if (removed == null) {
      return null;
    }
    List<RoomMember> remaining = List.copyOf(members.values());
    if (members.isEmpty()) {
      rooms.remove(room);
    }
    Set<RoomId> of = bySocket.get(socket);
    if (of != null) {
      of.remove(room);
      if (of.isEmpty()) {
        bySocket.remove(socket);
      }
    }
    return new RoomLeave(room, removed, remaining);
  }

  @Override
  public synchronized Future<List<RoomMember>> members(RoomId room) {
    LinkedHashMap<SocketId, RoomMember> members = rooms.get(room);
    return Future.succeededFuture(members == null ? List.of() : List.copyOf(members.values()));
  }

  @Override
  public synchronized Future<RoomMember> member(RoomId room, SocketId socket) {
    LinkedHashMap<SocketId, RoomMember> members = rooms.get(room);
    return Future.succeededFuture(members == null ? null : members.get(socket));
  }

  @Override
  public synchronized Future<List<RoomLeave>> removeSocket(SocketId socket) {
    Set<RoomId> of = bySocket.get(socket);
    if (of == null) {
      return Future.succeededFuture(List.of());
    }
    List<RoomLeave> left = new ArrayList<>();
    for (RoomId room : List.copyOf(of)) {
      RoomLeave leave = leaveLocked(room, socket);
      if (leave != null) {
        left.add(leave);
      }
    }
    return Future.succeededFuture(left);
  }
}
