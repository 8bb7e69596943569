package io.switchboard.signaling.calls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.EventHandler;
import io.switchboard.signaling.Limits;
import io.switchboard.signaling.Payload;
import io.switchboard.signaling.SignalingContext;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.Views;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallFlavor;
import io.switchboard.signaling.store.CallStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Calls by user id, in the two event families the seeds use.
 *
 * <p>Seeds 002/003 ({@link CallFlavor#VIDEO_CALL}): {@code initiateVideoCall} rings every socket of
 * the receiver with {@code incomingVideoCall {...callData, callId}} (the server makes the id);
 * {@code initiateGroupVideoCall} rings the group room except the caller's sockets;
 * {@code acceptVideoCall} / {@code rejectVideoCall} tell the caller and stop the receiver's other
 * devices ({@code videoCallEnded}); {@code endVideoCall} tells both users (1:1) or the group room.
 *
 * <p>Seed 004 ({@link CallFlavor#WEBRTC}): {@code call-request}, {@code call-answer},
 * {@code call-reject}, {@code call-end} and {@code ice-candidate} are forwarded as sent to every
 * socket of user {@code to}, who must be the other party of the call.
 *
 * <p>State goes through {@link CallStore}: ringing -> connected -> removed, each step atomic, so
 * of two devices accepting at once one wins. A callee in a connected call is busy. A 1:1 call still
 * ringing after {@code ringTimeout} ends for both sides; the timer lives on the node that placed
 * the call and only ends a call that is still ringing, so an answer on another node simply wins.
 * When a user's last socket goes, its calls end; so does a call whose placing or answering socket
 * goes. {@code callerId} / {@code from} must be the sender's own user ("Unauthorized call attempt").
 */
public final class CallHandlers {
  private static final System.Logger log = System.getLogger(CallHandlers.class.getName());
  private static final String UNAUTHORIZED_CALL = "Unauthorized call attempt";
  private static final Set<String> MEDIA_TYPES = Set.of("video", "voice");

  private final SignalingContext ctx;
  /** Ring timers this node runs, by call; removed when the timer fires or the call stops ringing. */
  private final Map<CallId, Long> ringTimers = new ConcurrentHashMap<>();

  public CallHandlers(SignalingContext ctx) {
    this.ctx = ctx;
  }

  public void register(Map<String, EventHandler> registry) {
    registry.put("initiateVideoCall", this::initiateVideoCall);
    registry.put("initiateGroupVideoCall", this::initiateGroupVideoCall);
    registry.put("acceptVideoCall", this::acceptVideoCall);
    registry.put("rejectVideoCall", this::rejectVideoCall);
    registry.put("endVideoCall", this::endVideoCall);
    registry.put("call-request", this::callRequest);
    registry.put("call-answer", this::callAnswer);
    registry.put("call-reject", this::callReject);
    registry.put("call-end", this::callEnd);
  }

  // ---- seeds 002/003: initiateVideoCall, accept, reject, end -----------------------------------

  private Future<ObjectNode> initiateVideoCall(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    UserId caller = UserId.of(p.requiredId("callerId"));
    UserId receiver = UserId.of(p.requiredId("receiverId"));
    checkCallData(p);
    requireSelf(client, caller);
    if (receiver.equals(caller)) {
      throw SignalingException.badRequest("A call needs another user");
    }
    return ctx.stores().presence().sockets(receiver).compose(sockets -> {
      if (sockets.isEmpty()) {
        ObjectNode failed = Views.object();
        failed.put("message", "User is offline");
        copyExcept(p.raw(), failed, "message");
        client.emit("videoCallFailed", failed);
        return Future.succeededFuture(failedAck("offline"));
      }
      CallId id = CallId.of(UUID.randomUUID().toString());
      ObjectNode incoming = Views.copyOf(p.raw());
      incoming.put("callId", id.value());
      Call call = Call.oneToOne(id, CallFlavor.VIDEO_CALL, caller, client.ref(), receiver, incoming, ctx.now(), ctx.node());
      return calls().ring(call).compose(
          rung -> {
            startRingTimer(rung);
            return ctx.out().deliver(sockets, "incomingVideoCall", incoming).map(v -> ack(id, sockets.size()));
          },
          err -> {
            if (!isBusy(err)) {
              return Future.failedFuture(err);
            }
            ObjectNode failed = Views.copyOf(p.raw());
            failed.put("message", "User is busy");
            failed.put("reason", "busy");
            client.emit("videoCallFailed", failed);
            return Future.succeededFuture(failedAck("busy"));
          });
    });
  }

  private Future<ObjectNode> initiateGroupVideoCall(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    UserId caller = UserId.of(p.requiredId("callerId"));
    GroupId group = GroupId.of(p.requiredId("groupId"));
    checkCallData(p);
    requireSelf(client, caller);
    return mayCallGroup(client, caller, group)
        .compose(v -> Future.all(ctx.stores().groups().roomSockets(group), ctx.stores().presence().sockets(caller)))
        .compose(both -> {
          List<SocketRef> room = both.resultAt(0);
          List<SocketRef> callers = both.resultAt(1);
          List<SocketRef> targets = without(room, ids(callers, client.ref()));
          CallId id = CallId.of(UUID.randomUUID().toString());
          ObjectNode incoming = Views.copyOf(p.raw());
          incoming.put("callId", id.value());
          Call call = Call.group(id, caller, client.ref(), group, incoming, ctx.now(), ctx.node());
          return calls().ring(call).compose(rung -> deliver(targets, "incomingVideoCall", incoming))
              .map(n -> ack(id, n));
        });
  }

  /** With a verified identity, a group that has members may only be called by one of them (as joinGroup). */
  private Future<Void> mayCallGroup(Client client, UserId caller, GroupId group) {
    if (!client.identity().verified()) {
      return Future.succeededFuture();
    }
    return ctx.stores().groups().members(group).compose(members -> members.isEmpty() || members.contains(caller)
        ? Future.succeededFuture()
        : Future.failedFuture(SignalingException.unauthorized("Not a member of this group")));
  }

  private Future<ObjectNode> acceptVideoCall(Client client, JsonNode arg) {
    VideoCallData d = VideoCallData.read(arg, ctx.limits());
    UserId me = requireUser(client);
    return findRinging(d, me)
        .compose(call -> mayAnswer(client, me, call).map(call))
        .compose(call -> calls().connect(call.id(), client.ref()).compose(connected -> {
          if (connected != null) {
            return Future.succeededFuture(true);
          }
          // Not ringing any more: a group call accepted before (others may join it), this very
          // socket accepting twice, another device that won the race, or a call that ended.
          return calls().get(call.id()).compose(now -> {
            if (now == null) {
              return Future.failedFuture(callNotFound());
            }
            if (now.isGroup()) {
              return Future.succeededFuture(true);
            }
            return client.ref().equals(now.answeredBy())
                ? Future.succeededFuture(false)
                : Future.failedFuture(new SignalingException(ErrorCode.CONFLICT, "Call already answered"));
          });
        }).compose(tell -> {
          if (!tell) {
            return Future.succeededFuture(ack(call.id(), 0));
          }
          cancelRingTimer(call.id());
          return answered(client, me, call, "videoCallAccepted", d.raw(), "videoCallEnded", d.raw());
        }));
  }

  private Future<ObjectNode> rejectVideoCall(Client client, JsonNode arg) {
    VideoCallData d = VideoCallData.read(arg, ctx.limits());
    UserId me = requireUser(client);
    return findRinging(d, me)
        .compose(call -> mayAnswer(client, me, call).map(call))
        .compose(call -> {
          // One member declining a group call leaves it ringing for the others.
          Future<Call> ended = call.isGroup() ? Future.succeededFuture(call) : endRinging(call.id());
          return ended.compose(c -> {
            cancelRingTimer(call.id());
            return answered(client, me, call, "videoCallRejected", d.raw(), "videoCallEnded", d.raw());
          });
        });
  }

  private Future<ObjectNode> endVideoCall(Client client, JsonNode arg) {
    VideoCallData d = VideoCallData.read(arg, ctx.limits());
    if (d.callId() == null && (d.callerId() == null || (d.receiverId() == null && d.groupId() == null))) {
      throw SignalingException.badRequest("callId (or callerId with receiverId or groupId) is required");
    }
    UserId me = requireUser(client);
    return findToEnd(d).compose(found -> {
      if (found.isEmpty()) {
        // Already over (the other side hung up first, or it timed out): ending it again is a no-op.
        return Future.succeededFuture(ack(null, 0));
      }
      List<Future<Void>> checks = new ArrayList<>(found.size());
      for (Call call : found) {
        checks.add(mayEnd(client, me, call));
      }
      return Future.all(checks).compose(v -> endAll(found)).compose(ended -> {
        if (ended.isEmpty()) {
          return Future.succeededFuture(ack(null, 0));
        }
        Call call = ended.get(0);
        Future<Integer> told = call.isGroup()
            ? ctx.stores().groups().roomSockets(call.group())
                .compose(room -> deliver(without(room, Set.of(client.socketId())), "videoCallEnded", d.raw()))
            : socketsOf(List.of(call.caller(), call.callee()))
                .compose(sockets -> deliver(sockets, "videoCallEnded", d.raw()));
        return told.map(n -> ack(call.id(), n));
      });
    });
  }

  /**
   * The call to accept or reject: by {@code callId}; when that is missing or unknown (older
   * frontends use the caller's socket id), the caller/receiver pair's latest ringing call, or the
   * caller's call in the group.
   */
  private Future<Call> findRinging(VideoCallData d, UserId me) {
    return byId(d.callId(), CallFlavor.VIDEO_CALL).compose(call -> {
      if (call != null) {
        return Future.succeededFuture(call);
      }
      if (d.callerId() == null) {
        return Future.failedFuture(callNotFound());
      }
      UserId receiver = d.receiverId() != null ? d.receiverId() : me;
      return calls().callsOf(d.callerId()).compose(list -> {
        Call latest = list.stream()
            .filter(c -> c.flavor() == CallFlavor.VIDEO_CALL && (c.isRinging() || c.isGroup()) && matchesPair(c, d, receiver))
            .max(Comparator.comparingLong(Call::createdAt))
            .orElse(null);
        return latest == null ? Future.failedFuture(callNotFound()) : Future.succeededFuture(latest);
      });
    });
  }

  /**
   * The calls to end: by {@code callId}; when that is missing or unknown, every call of the
   * caller/receiver pair, ringing or connected (a caller that hangs up may never have learnt the
   * id), or the caller's calls in the group.
   */
  private Future<List<Call>> findToEnd(VideoCallData d) {
    return byId(d.callId(), CallFlavor.VIDEO_CALL).compose(call -> {
      if (call != null) {
        return Future.succeededFuture(List.of(call));
      }
      if (d.callerId() == null || (d.receiverId() == null && d.groupId() == null)) {
        return Future.succeededFuture(List.of());
      }
      return calls().callsOf(d.callerId()).map(list -> list.stream()
          .filter(c -> c.flavor() == CallFlavor.VIDEO_CALL && matchesPair(c, d, d.receiverId()))
          .toList());
    });
  }

  private static boolean matchesPair(Call c, VideoCallData d, UserId receiver) {
    if (c.isGroup()) {
      return d.groupId() != null && c.group().equals(d.groupId());
    }
    return d.groupId() == null && c.callee().equals(receiver) && !d.isGroupCall();
  }

  /** Only the receiver (of a group call: a member other than the caller) may accept or reject. */
  private Future<Void> mayAnswer(Client client, UserId me, Call call) {
    if (!call.isGroup()) {
      return me.equals(call.callee()) ? Future.succeededFuture() : Future.failedFuture(unauthorizedCall());
    }
    if (me.equals(call.caller())) {
      return Future.failedFuture(unauthorizedCall());
    }
    return inGroup(client, me, call.group());
  }

  /** Only a party may end: caller or callee; for a group call, the caller or a member. */
  private Future<Void> mayEnd(Client client, UserId me, Call call) {
    if (call.isParty(me)) {
      return Future.succeededFuture();
    }
    return call.isGroup() ? inGroup(client, me, call.group()) : Future.failedFuture(unauthorizedCall());
  }

  /** The socket is in the group's room (so it was rung), or its user is a member. */
  private Future<Void> inGroup(Client client, UserId me, GroupId group) {
    return ctx.stores().groups().roomSockets(group).compose(room -> {
      if (room.contains(client.ref())) {
        return Future.succeededFuture();
      }
      return ctx.stores().groups().members(group).compose(members -> members.contains(me)
          ? Future.<Void>succeededFuture()
          : Future.failedFuture(unauthorizedCall()));
    });
  }

  /**
   * An answer (accept or reject) was recorded: the caller's sockets get {@code toCaller}, the
   * answering user's other sockets stop ringing with {@code toOthers}; the answering socket gets neither.
   */
  private Future<ObjectNode> answered(Client client, UserId me, Call call, String toCaller, JsonNode callerPayload,
      String toOthers, JsonNode othersPayload) {
    return Future.all(
            ctx.toUser(call.caller(), toCaller, callerPayload, List.of()),
            ctx.toUser(me, toOthers, othersPayload, List.of(client.ref())))
        .map(both -> ack(call.id(), both.<Integer>resultAt(0)));
  }

  // ---- seed 004: call-request, call-answer, call-reject, call-end, ice-candidate ---------------

  private Future<ObjectNode> callRequest(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    CallId id = CallId.of(p.requiredId("id"));
    UserId from = UserId.of(p.requiredId("from"));
    UserId to = UserId.of(p.requiredId("to"));
    String type = p.requiredName("type");
    if (!MEDIA_TYPES.contains(type)) {
      throw SignalingException.badRequest("type must be \"video\" or \"voice\"");
    }
    p.sdp("offer");
    requireSelf(client, from);
    if (to.equals(from)) {
      throw SignalingException.badRequest("A call needs another user");
    }
    return ctx.stores().presence().sockets(to).compose(sockets -> {
      if (sockets.isEmpty()) {
        client.emit("call-failed", callEvent(id, "offline"));
        return Future.succeededFuture(failedAck("offline"));
      }
      ObjectNode data = Views.object();
      data.put("callId", id.value());
      data.put("type", type);
      Call call = Call.oneToOne(id, CallFlavor.WEBRTC, from, client.ref(), to, data, ctx.now(), ctx.node());
      return calls().ring(call).compose(
          rung -> {
            startRingTimer(rung);
            return ctx.out().deliver(sockets, "call-request", p.raw()).map(v -> ack(id, sockets.size()));
          },
          err -> {
            if (!isBusy(err)) {
              return Future.failedFuture(err);
            }
            client.emit("call-failed", callEvent(id, "busy"));
            return Future.succeededFuture(failedAck("busy"));
          });
    });
  }

  private Future<ObjectNode> callAnswer(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    Relay r = Relay.read(p);
    p.sdp("answer");
    UserId me = requireUser(client);
    return webrtcCall(me, r, true).compose(call -> calls().connect(call.id(), client.ref()).compose(connected -> {
      if (connected != null) {
        cancelRingTimer(call.id());
        return answered(client, me, call, "call-answer", p.raw(), "call-end", callEvent(call.id(), "answered_elsewhere"));
      }
      return calls().get(call.id()).compose(now -> {
        if (now == null) {
          return Future.failedFuture(callNotFound());
        }
        // The socket that answered may answer again (a retry, a renegotiation); another device is too late.
        return client.ref().equals(now.answeredBy())
            ? ctx.toUser(r.to(), "call-answer", p.raw(), List.of()).map(n -> ack(call.id(), n))
            : Future.failedFuture(new SignalingException(ErrorCode.CONFLICT, "Call already answered"));
      });
    }));
  }

  private Future<ObjectNode> callReject(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    Relay r = Relay.read(p);
    UserId me = requireUser(client);
    return webrtcCall(me, r, true).compose(call -> endRinging(call.id()).compose(ended -> {
      cancelRingTimer(call.id());
      return answered(client, me, call, "call-reject", p.raw(), "call-end", callEvent(call.id(), "answered_elsewhere"));
    }));
  }

  private Future<ObjectNode> callEnd(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    Relay r = Relay.read(p);
    UserId me = requireUser(client);
    return byId(r.callId(), CallFlavor.WEBRTC).compose(found -> {
      if (found == null) {
        // Already over (the other side hung up first, or it timed out): ending it again is a no-op.
        return Future.succeededFuture(ack(r.callId(), 0));
      }
      return checkRelay(found, me, r, false).compose(call -> calls().end(call.id())).compose(ended -> {
        if (ended == null) {
          return Future.succeededFuture(ack(r.callId(), 0));
        }
        cancelRingTimer(ended.id());
        return ctx.toUser(r.to(), "call-end", p.raw(), List.of()).map(n -> ack(ended.id(), n));
      });
    });
  }

  /** {@code ice-candidate {candidate, callId, to}}: forwarded as is to every socket of user {@code to}. */
  public Future<ObjectNode> iceCandidate(Client client, JsonNode arg) {
    Payload p = Payload.object(arg, ctx.limits());
    Relay r = Relay.read(p);
    p.candidate("candidate");
    UserId me = requireUser(client);
    // The hot relay: look up the call and the recipient's sockets at once (two independent
    // reads), deliver only if the call allows it.
    Future<List<SocketRef>> recipients = ctx.stores().presence().socketsToDeliver(r.to());
    return webrtcCall(me, r, false, calls()::getToRelay)
        .compose(call -> recipients.compose(sockets -> ctx.deliver(sockets, "ice-candidate", p.raw()))
            .map(n -> ack(call.id(), n)));
  }

  /** The seed-004 call a relay names, which must exist; see {@link #checkRelay}. */
  private Future<Call> webrtcCall(UserId me, Relay r, boolean calleeOnly) {
    return webrtcCall(me, r, calleeOnly, calls()::get);
  }

  /** The same, reading the call with {@code lookup} (the relay's copy or the store). */
  private Future<Call> webrtcCall(UserId me, Relay r, boolean calleeOnly, Function<CallId, Future<Call>> lookup) {
    return byId(r.callId(), CallFlavor.WEBRTC, lookup).compose(call -> call == null
        ? Future.failedFuture(callNotFound())
        : checkRelay(call, me, r, calleeOnly));
  }

  /** The sender is a party ({@code calleeOnly}: the callee) and {@code to} is the other party. */
  private static Future<Call> checkRelay(Call call, UserId me, Relay r, boolean calleeOnly) {
    boolean allowed = calleeOnly ? me.equals(call.callee()) : call.isParty(me);
    return allowed && call.other(me).equals(r.to())
        ? Future.succeededFuture(call)
        : Future.failedFuture(unauthorizedCall());
  }

  // ---- ring timeout and disconnects ------------------------------------------------------------

  private void startRingTimer(Call call) {
    if (call.isGroup()) {
      return;
    }
    CallId id = call.id();
    long delay = Math.max(1, ctx.config().ringTimeout().toMillis());
    AtomicBoolean fired = new AtomicBoolean();
    long timer = ctx.vertx().setTimer(delay, t -> {
      fired.set(true);
      ringTimers.remove(id, t);
      ringTimedOut(id);
    });
    ringTimers.put(id, timer);
    if (fired.get()) {
      ringTimers.remove(id, timer);
    }
  }

  private void cancelRingTimer(CallId id) {
    Long timer = ringTimers.remove(id);
    if (timer != null) {
      ctx.vertx().cancelTimer(timer);
    }
  }

  /** Ends the call if nobody answered it, for both sides. A call answered or ended meanwhile is left alone. */
  private void ringTimedOut(CallId id) {
    calls().endIfRinging(id)
        .compose(call -> call == null
            ? Future.succeededFuture()
            : tellEnded(call, "timeout", List.of(call.caller(), call.callee()), Set.of()))
        .onFailure(e -> log.log(System.Logger.Level.WARNING, "ring timeout of call " + id + " failed", e));
  }

  /**
   * The socket is gone (presence already forgot it). If its user has no socket left, all the
   * user's calls end; otherwise those this socket placed or answered. The other party is told
   * ({@code reason:"disconnected"}).
   */
  public Future<Void> disconnected(Client client) {
    UserId user = client.userForCleanup();
    if (user == null) {
      return Future.succeededFuture();
    }
    SocketId socket = client.socketId();
    return Future.all(ctx.stores().presence().sockets(user), calls().callsOf(user)).compose(both -> {
      List<SocketRef> remaining = both.resultAt(0);
      List<Call> calls = both.resultAt(1);
      boolean gone = remaining.isEmpty();
      List<Future<Void>> all = new ArrayList<>();
      for (Call call : calls) {
        boolean placedHere = call.caller().equals(user) && call.callerSocket().id().equals(socket);
        boolean answeredHere = call.answeredBy() != null && call.answeredBy().id().equals(socket) && !call.isGroup();
        if (gone || placedHere || answeredHere) {
          all.add(calls().end(call.id()).compose(ended -> {
            if (ended == null) {
              return Future.succeededFuture();
            }
            cancelRingTimer(ended.id());
            Set<SocketId> except = ids(remaining, client.ref());
            return ended.isGroup()
                ? tellEnded(ended, "disconnected", List.of(), except)
                : tellEnded(ended, "disconnected", List.of(ended.other(user)), except);
          }));
        }
      }
      return Future.join(all).mapEmpty();
    });
  }

  /**
   * A server-made end: {@code videoCallEnded {...callData, reason}} or {@code call-end {callId, reason}}
   * to every socket of {@code users} (a group call: its room), except {@code except}.
   */
  private Future<Void> tellEnded(Call call, String reason, List<UserId> users, Set<SocketId> except) {
    JsonNode payload;
    if (call.flavor() == CallFlavor.VIDEO_CALL) {
      ObjectNode ended = call.data() != null && call.data().isObject() ? Views.copyOf(call.data()) : Views.object();
      ended.put("callId", call.id().value());
      ended.put("reason", reason);
      payload = ended;
    } else {
      payload = callEvent(call.id(), reason);
    }
    Future<List<SocketRef>> targets = call.isGroup() ? ctx.stores().groups().roomSockets(call.group()) : socketsOf(users);
    return targets.compose(sockets -> deliver(without(sockets, except), call.flavor() == CallFlavor.VIDEO_CALL
        ? "videoCallEnded" : "call-end", payload)).mapEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private CallStore calls() {
    return ctx.stores().calls();
  }

  private Future<Call> byId(CallId id, CallFlavor flavor) {
    return byId(id, flavor, calls()::get);
  }

  private static Future<Call> byId(CallId id, CallFlavor flavor, Function<CallId, Future<Call>> lookup) {
    if (id == null) {
      return Future.succeededFuture();
    }
    return lookup.apply(id).map(call -> call != null && call.flavor() == flavor ? call : null);
  }

  /** Removes a ringing call; absent: not found; already connected: conflict. */
  private Future<Call> endRinging(CallId id) {
    return calls().endIfRinging(id).compose(ended -> ended != null
        ? Future.succeededFuture(ended)
        : calls().get(id).compose(now -> Future.failedFuture(now == null
            ? callNotFound()
            : new SignalingException(ErrorCode.CONFLICT, "Call already answered"))));
  }

  private Future<List<Call>> endAll(List<Call> found) {
    List<Future<Call>> ends = new ArrayList<>(found.size());
    for (Call call : found) {
      ends.add(calls().end(call.id()));
    }
    return Future.all(ends).map(v -> {
      List<Call> ended = new ArrayList<>(ends.size());
      for (Future<Call> f : ends) {
        if (f.result() != null) {
          cancelRingTimer(f.result().id());
          ended.add(f.result());
        }
      }
      return ended;
    });
  }

  /** Every socket of the users, each once. */
  private Future<List<SocketRef>> socketsOf(List<UserId> users) {
    List<Future<List<SocketRef>>> lookups = new ArrayList<>(users.size());
    for (UserId u : users) {
      lookups.add(ctx.stores().presence().sockets(u));
    }
    return Future.all(lookups).map(v -> {
      Map<SocketId, SocketRef> unique = new LinkedHashMap<>();
      for (Future<List<SocketRef>> f : lookups) {
        for (SocketRef s : f.result()) {
          unique.putIfAbsent(s.id(), s);
        }
      }
      return List.copyOf(unique.values());
    });
  }

  private Future<Integer> deliver(List<SocketRef> targets, String event, JsonNode payload) {
    return targets.isEmpty()
        ? Future.succeededFuture(0)
        : ctx.out().deliver(targets, event, payload).map(targets.size());
  }

  private static List<SocketRef> without(List<SocketRef> sockets, Set<SocketId> except) {
    return sockets.stream().filter(s -> !except.contains(s.id())).toList();
  }

  /** The ids of {@code sockets} and of {@code plus}. */
  private static Set<SocketId> ids(Collection<SocketRef> sockets, SocketRef plus) {
    Set<SocketId> out = new HashSet<>();
    for (SocketRef s : sockets) {
      out.add(s.id());
    }
    out.add(plus.id());
    return out;
  }

  /** The caller's own user: the verified one, or the one this socket registered as. */
  private static void requireSelf(Client client, UserId declared) {
    UserId me = client.user();
    if (me == null || !me.equals(declared)) {
      throw unauthorizedCall();
    }
  }

  private static UserId requireUser(Client client) {
    UserId me = client.user();
    if (me == null) {
      throw unauthorizedCall();
    }
    return me;
  }

  /** Names and flags of seed-002 call data are bounded even though they are only echoed. */
  private static void checkCallData(Payload p) {
    p.optionalName("callerName");
    p.optionalName("receiverName");
    p.optionalName("roomName");
    p.optionalBoolean("isGroupCall", false);
  }

  private static void copyExcept(JsonNode from, ObjectNode to, String skip) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals(skip)) {
        to.set(e.getKey(), e.getValue());
      }
    }
  }

  private static ObjectNode callEvent(CallId id, String reason) {
    ObjectNode o = Views.object();
    o.put("callId", id.value());
    o.put("reason", reason);
    return o;
  }

  private static ObjectNode ack(CallId id, int delivered) {
    ObjectNode ack = Views.ok();
    if (id != null) {
      ack.put("callId", id.value());
    }
    ack.put("delivered", delivered);
    return ack;
  }

  private static ObjectNode failedAck(String reason) {
    ObjectNode ack = Views.ok();
    ack.put("delivered", 0);
    ack.put("reason", reason);
    return ack;
  }

  private static boolean isBusy(Throwable err) {
    return err instanceof SignalingException se && se.code() == ErrorCode.BUSY;
  }

  private static SignalingException unauthorizedCall() {
    return SignalingException.unauthorized(UNAUTHORIZED_CALL);
  }

  private static SignalingException callNotFound() {
    return SignalingException.notFound("Call not found");
  }

  /** The fields of seed-002 call data that the server reads (the rest is echoed as sent). */
  private record VideoCallData(CallId callId, UserId callerId, UserId receiverId, GroupId groupId, boolean isGroupCall,
      JsonNode raw) {

    static VideoCallData read(JsonNode arg, Limits limits) {
      Payload p = Payload.object(arg, limits);
      String callId = p.optionalId("callId");
      String callerId = p.optionalId("callerId");
      String receiverId = p.optionalId("receiverId");
      String groupId = p.optionalId("groupId");
      checkCallData(p);
      return new VideoCallData(
          callId == null ? null : CallId.of(callId),
          callerId == null ? null : UserId.of(callerId),
          receiverId == null ? null : UserId.of(receiverId),
          groupId == null ? null : GroupId.of(groupId),
          p.optionalBoolean("isGroupCall", false),
          p.raw());
    }
  }

  /** The addressing of a seed-004 relay: which call, and to whom. */
  private record Relay(CallId callId, UserId to) {
    static Relay read(Payload p) {
      return new Relay(CallId.of(p.requiredId("callId")), UserId.of(p.requiredId("to")));
    }
  }
}
