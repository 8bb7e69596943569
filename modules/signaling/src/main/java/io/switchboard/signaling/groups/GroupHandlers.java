package io.switchboard.signaling.groups;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.EventHandler;
import io.switchboard.signaling.Payload;
import io.switchboard.signaling.SignalingContext;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.Views;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups (seed 002): membership (users) and group rooms (sockets rung by group calls and reached by
 * group messages). Membership comes from {@code groupCreated}, the HTTP API and the token's groups
 * claim; a user's sockets follow its membership.
 */
public final class GroupHandlers {
  private static final int MAX_MEMBERS = 10_000;
  private final SignalingContext ctx;

  public GroupHandlers(SignalingContext ctx) {
    this.ctx = ctx;
  }

  public void register(Map<String, EventHandler> registry) {
    registry.put("joinGroup", this::joinGroup);
    registry.put("leaveGroup", this::leaveGroup);
    registry.put("groupCreated", this::groupCreated);
  }

  private Future<ObjectNode> joinGroup(Client client, JsonNode arg) {
    GroupId group = GroupId.of(Payload.idOrField(arg, "groupId", ctx.limits()));
    return mayJoin(client, group)
        .compose(v -> {
          client.mayJoin("g:" + group.value());
          return ctx.stores().groups().joinRoom(group, client.ref());
        })
        .onSuccess(v -> client.joined("g:" + group.value()))
        .map(v -> {
          ObjectNode ack = Views.ok();
          ack.put("groupId", group.value());
          return ack;
        });
  }

  /** With a verified identity, a group that has members may only be joined by one of them. */
  private Future<Void> mayJoin(Client client, GroupId group) {
    if (!client.identity().verified()) {
      return Future.succeededFuture();
    }
    return ctx.stores().groups().members(group).compose(members -> members.isEmpty() || members.contains(client.user())
        ? Future.succeededFuture()
        : Future.failedFuture(SignalingException.unauthorized("Not a member of this group")));
  }

  private Future<ObjectNode> leaveGroup(Client client, JsonNode arg) {
    GroupId group = GroupId.of(Payload.idOrField(arg, "groupId", ctx.limits()));
    client.left("g:" + group.value());
    return ctx.stores().groups().leaveRoom(group, client.socketId()).map(left -> {
      ObjectNode ack = Views.ok();
      ack.put("groupId", group.value());
      return ack;
    });
  }

  private Future<ObjectNode> groupCreated(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    GroupId group = GroupId.of(p.requiredId("groupId"));
    Set<UserId> members = new LinkedHashSet<>();
    for (String id : p.requiredIds("memberIds", MAX_MEMBERS)) {
      members.add(UserId.of(id));
    }
    if (client.identity().verified() && !members.contains(client.user())) {
      return Future.failedFuture(SignalingException.unauthorized("The creator must be a member of the group"));
    }
    Future<Void> allowed = client.identity().verified()
        ? ctx.stores().groups().members(group).compose(existing -> existing.isEmpty() || existing.contains(client.user())
            ? Future.succeededFuture()
            : Future.failedFuture(SignalingException.unauthorized("Not a member of this group")))
        : Future.succeededFuture();
    return allowed.compose(v -> setMembers(group, members)).map(v -> {
      ObjectNode ack = Views.ok();
      ack.put("groupId", group.value());
      return ack;
    });
  }

  // ---- operations shared with the HTTP API and registration ------------------------------------

  /** Replaces the membership: removed users' sockets leave the room, online members' sockets join it. */
  public Future<Void> setMembers(GroupId group, Set<UserId> members) {
    return ctx.stores().groups().setMembers(group, members).compose(removed -> {
      List<Future<Void>> all = new ArrayList<>();
      for (UserId u : removed) {
        all.add(leaveRoomAll(group, u));
      }
      for (UserId u : members) {
        all.add(joinRoomAll(group, u));
      }
      return Future.join(all).mapEmpty();
    });
  }

  public Future<Boolean> addMember(GroupId group, UserId user) {
    return ctx.stores().groups().addMember(group, user).compose(added -> joinRoomAll(group, user).map(added));
  }

  public Future<Boolean> removeMember(GroupId group, UserId user) {
    return ctx.stores().groups().removeMember(group, user).compose(removed -> leaveRoomAll(group, user).map(removed));
  }

  /** Puts every socket of {@code user} in the group's room. */
  public Future<Void> joinRoomAll(GroupId group, UserId user) {
    return ctx.stores().presence().sockets(user).compose(sockets -> {
      List<Future<Void>> all = new ArrayList<>(sockets.size());
      for (SocketRef s : sockets) {
        // The socket may disconnect (and be cleaned up) between the lookup and the join: if it is
        // no longer this user's afterwards, it is taken out again, so no room keeps a gone socket.
        all.add(ctx.stores().groups().joinRoom(group, s)
            .compose(v -> ctx.stores().presence().userOf(s.id()))
            .compose(owner -> user.equals(owner)
                ? Future.<Void>succeededFuture()
                : ctx.stores().groups().leaveRoom(group, s.id()).<Void>mapEmpty()));
      }
      return Future.join(all).mapEmpty();
    });
  }

  private Future<Void> leaveRoomAll(GroupId group, UserId user) {
    return ctx.stores().presence().sockets(user).compose(sockets -> {
      List<Future<Boolean>> all = new ArrayList<>(sockets.size());
      for (SocketRef s : sockets) {
        all.add(ctx.stores().groups().leaveRoom(group, s.id()));
      }
      return Future.join(all).mapEmpty();
    });
  }

  /** A newly registered socket joins the rooms of all its user's groups (token claim groups become memberships). */
  public Future<Void> autoJoin(Client client, UserId user) {
    Set<GroupId> claimed = client.identity().verified() ? client.identity().groups() : Set.of();
    List<Future<Boolean>> stored = new ArrayList<>(claimed.size());
    for (GroupId g : claimed) {
      stored.add(ctx.stores().groups().addMember(g, user));
    }
    return Future.join(stored)
        .compose(v -> ctx.stores().groups().groupsOf(user))
        .compose(groups -> {
          List<Future<Void>> all = new ArrayList<>(groups.size());
          for (GroupId g : groups) {
            all.add(ctx.stores().groups().joinRoom(g, client.ref()));
          }
          return Future.join(all).mapEmpty();
        });
  }

  public Future<Void> disconnected(Client client) {
    return ctx.stores().groups().removeSocket(client.socketId()).mapEmpty();
  }
}
