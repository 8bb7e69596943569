package io.switchboard.protocol.socketio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An emit to several sockets of one namespace on this node: to rooms (or all), except rooms or
 * socket ids. The packet is encoded once. Immutable builder; any thread.
 */
public final class Broadcast {
  private final Namespace nsp;
  private final List<String> rooms;
  private final List<String> except;

  Broadcast(Namespace nsp) {
    this(nsp, List.of(), List.of());
  }

  private Broadcast(Namespace nsp, List<String> rooms, List<String> except) {
    this.nsp = nsp;
    this.rooms = rooms;
    this.except = except;
  }

  public Broadcast to(String... more) {
    List<String> r = new ArrayList<>(rooms);
    r.addAll(Arrays.asList(more));
    return new Broadcast(nsp, List.copyOf(r), except);
  }

  public Broadcast except(String... more) {
    List<String> e = new ArrayList<>(except);
    e.addAll(Arrays.asList(more));
    return new Broadcast(nsp, rooms, List.copyOf(e));
  }

  /** Sends the event; returns how many sockets on this node it was sent to. */
  public int emit(String event, Object... args) {
    return send(SioParser.encode(new SioPacket(SioPacketType.EVENT, nsp.name(), SioPacket.NO_ID, Values.eventArray(event, args))));
  }

  /** Sends an already encoded packet of this namespace; returns how many sockets it was sent to. */
  public int send(EncodedPacket packet) {
    Set<SioSocket> targets = targets();
    for (SioSocket s : targets) {
      s.send(packet);
    }
    return targets.size();
  }

  /** The sockets this broadcast reaches now. */
  public Set<SioSocket> targets() {
    Set<SioSocket> excluded = new HashSet<>();
    for (String e : except) {
      collect(e, excluded);
    }
    Set<SioSocket> targets = new HashSet<>();
    if (rooms.isEmpty()) {
      targets.addAll(nsp.sockets());
    } else {
      for (String r : rooms) {
        collect(r, targets);
      }
    }
    targets.removeAll(excluded);
    return targets;
  }

  private void collect(String room, Set<SioSocket> into) {
    SioSocket own = nsp.socket(room);
    if (own != null) {
      into.add(own);
    }
    Set<SioSocket> members = nsp.roomOrNull(room);
    if (members != null) {
      into.addAll(members);
    }
  }
}
