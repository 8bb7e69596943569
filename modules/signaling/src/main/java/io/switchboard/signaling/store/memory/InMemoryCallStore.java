package io.switchboard.signaling.store.memory;

import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallState;
import io.switchboard.signaling.store.CallStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Calls in this process's memory; one lock, held for microseconds. */
public final class InMemoryCallStore implements CallStore {
  private final Map<CallId, Call> calls = new HashMap<>();
  private final Map<UserId, Set<CallId>> byUser = new HashMap<>();

  @Override
  public synchronized Future<Call> ring(Call call) {
    if (calls.containsKey(call.id())) {
      return Future.failedFuture(new SignalingException(ErrorCode.CONFLICT, "Call already exists"));
    }
    if (call.callee() != null && busyLocked(call.callee())) {
      return Future.failedFuture(new SignalingException(ErrorCode.BUSY, "User is busy"));
    }
    calls.put(call.id(), call);
    index(call.caller(), call.id());
    if (call.callee() != null) {
      index(call.callee(), call.id());
    }
    return Future.succeededFuture(call);
  }

  private void index(UserId user, CallId id) {
    byUser.computeIfAbsent(user, k -> new LinkedHashSet<>()).add(id);
  }

  private void unindex(UserId user, CallId id) {
    Set<CallId> ids = byUser.get(user);
    if (ids != null) {
      ids.remove(id);
      if (ids.isEmpty()) {
        byUser.remove(user);
      }
    }
  }

  @Override
  public synchronized Future<Call> get(CallId id) {
    return Future.succeededFuture(calls.get(id));
  }

  @Override
  public synchronized Future<Call> connect(CallId id, SocketRef answeredBy) {
    Call call = calls.get(id);
    if (call == null || call.state() != CallState.RINGING) {
      return Future.succeededFuture(null);
    }
    Call connected = call.connected(answeredBy);
    calls.put(id, connected);
    return Future.succeededFuture(connected);
  }

  @Override
  public synchronized Future<Call> endIfRinging(CallId id) {
    Call call = calls.get(id);
    if (call == null || call.state() != CallState.RINGING) {
      return Future.succeededFuture(null);
    }
    return Future.succeededFuture(removeLocked(id));
  }

  @Override
  public synchronized Future<Call> end(CallId id) {
    return Future.succeededFuture(removeLocked(id));
  }

  private Call removeLocked(CallId id) {
    Call call = calls.remove(id);
    if (call != null) {
      unindex(call.caller(), id);
      if (call.callee() != null) {
        unindex(call.callee(), id);
      }
    }
    return call;
  }

  @Override
  public synchronized Future<List<Call>> callsOf(UserId user) {
    Set<CallId> ids = byUser.get(user);
    List<Call> out = new ArrayList<>();
    if (ids != null) {
      for (CallId id : ids) {
        out.add(calls.get(id));
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Boolean> isBusy(UserId user) {
    return Future.succeededFuture(busyLocked(user));
  }

  private boolean busyLocked(UserId user) {
    Set<CallId> ids = byUser.get(user);
    if (ids == null) {
      return false;
    }
    for (CallId id : ids) {
      if (calls.get(id).state() == CallState.CONNECTED) {
        return true;
      }
    }
    return false;
  }
}
