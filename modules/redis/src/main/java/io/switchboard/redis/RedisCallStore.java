package io.switchboard.redis;

import static io.switchboard.redis.RedisCodec.str;
import static io.switchboard.redis.RedisCodec.strings;

import io.switchboard.redis.RedisCodec.IndexEntry;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.ids.CallId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Call;
import io.switchboard.signaling.store.CallStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls in Redis. A call's state lives in the call's slot, so connect, endIfRinging and end are
 * one script each and two racing devices see exactly one winner. A call has two users, whose
 * slots differ: each user's calls and connected calls are indexes in the user's slot (see
 * {@link RedisKeys}). The busy check of a ring runs atomically in the callee's slot, against the
 * callee's connected calls, which a connect records right after the call connected and before it
 * returns: a ring that starts after a connect returned sees the callee busy; a ring that overlaps
 * it may be ordered before it (it succeeds, as if it had come first).
 */
public final class RedisCallStore implements CallStore {
  private final RedisCommands redis;
  private final RedisKeys keys;

  RedisCallStore(RedisCommands redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public Future<Call> ring(Call call) {
    String token = RedisCodec.token();
    String entry = RedisCodec.indexField(call.id().value(), token);
    Future<Void> indexed = redis.send(RedisCommands.indexPut(keys.userCalls(call.caller()), entry)).mapEmpty();
    if (call.callee() != null) {
      indexed = indexed.compose(v -> ringCallee(call.callee(), entry, List.of()).recover(e -> {
        if (e instanceof SignalingException refused && refused.code() == ErrorCode.BUSY) {
          return unindex(call, token, false).compose(v2 -> Future.failedFuture(e));
        }
        // Redis is out of reach: leave the entries (a superset) rather than wait once more.
        return Future.failedFuture(e);
      }));
    }
    return indexed
        .compose(v -> redis.eval(RedisScripts.CALL_CREATE, List.of(keys.call(call.id())), RedisCodec.callRecord(call),
            token))
        .compose(r -> {
          if (r.toInteger() == 1) {
            return Future.succeededFuture(call);
          }
          return unindex(call, token, false).compose(
              v -> Future.failedFuture(new SignalingException(ErrorCode.CONFLICT, "Call already exists")));
        });
  }

  /**
   * Checks the callee is not busy and writes its index entry, atomically in its slot. Busy
   * entries whose call has ended are left by a failed cleanup: they are dropped and the check is
   * run once more without them.
   */
  private Future<Void> ringCallee(UserId callee, String entry, List<String> ignore) {
    List<String> args = new ArrayList<>(2 + ignore.size());
    args.add(entry);
    args.add(Long.toString(System.currentTimeMillis()));
    args.addAll(ignore);
    return redis.eval(RedisScripts.CALL_RING_CALLEE, List.of(keys.userCalls(callee), keys.userBusy(callee)), args)
        .compose(r -> {
          List<String> out = strings(r);
          if (out.get(0).equals("ok")) {
            return Future.succeededFuture();
          }
          List<String> fields = out.subList(1, out.size());
          return busyCalls(callee, RedisCodec.indexEntries(fieldsOnly(fields))).compose(live -> {
            if (live > 0 || !ignore.isEmpty()) {
              return Future.failedFuture(new SignalingException(ErrorCode.BUSY, "User is busy"));
            }
            return ringCallee(callee, entry, fields);
          });
        });
  }

  /** Turns a list of busy fields into the shape of an HGETALL reply, with no write time. */
  private static List<String> fieldsOnly(List<String> fields) {
    List<String> flat = new ArrayList<>(fields.size() * 2);
    for (String f : fields) {
      flat.add(f);
      flat.add("0");
    }
    return flat;
  }

  /** Deletes the index entries of a call that ended, was refused, or never was (after the fact). */
  private Future<Void> unindex(Call call, String token, boolean busyToo) {
    String entry = RedisCodec.indexField(call.id().value(), token);
    List<Request> unindex = new ArrayList<>(4);
    unindex.add(RedisCommands.indexDelete(keys.userCalls(call.caller()), entry));
    if (busyToo) {
      unindex.add(RedisCommands.indexDelete(keys.userBusy(call.caller()), entry));
    }
    if (call.callee() != null) {
      unindex.add(RedisCommands.indexDelete(keys.userCalls(call.callee()), entry));
      if (busyToo) {
        unindex.add(RedisCommands.indexDelete(keys.userBusy(call.callee()), entry));
      }
    }
    return RedisCommands.bestEffort(redis.batch(unindex), "call index");
  }

  @Override
  public Future<Call> get(CallId id) {
    return redis.send(Request.cmd(Command.HMGET).arg(keys.call(id)).arg("record").arg("state").arg("answered"))
        .map(r -> r.get(0) == null ? null : RedisCodec.call(str(r.get(0)), str(r.get(1)), str(r.get(2))));
  }

  @Override
  public Future<Call> connect(CallId id, SocketRef answeredBy) {
    String answered = RedisCodec.socketRefJson(answeredBy);
    return redis.eval(RedisScripts.CALL_CONNECT, List.of(keys.call(id)), answered).compose(r -> {
      if (r == null) {
        return Future.succeededFuture(null);
      }
      Call call = RedisCodec.call(str(r.get(0)), "connected", answered);
      // The parties are busy from now on: recorded before this returns, in each one's slot.
      String entry = RedisCodec.indexField(id.value(), str(r.get(1)));
      List<Request> busy = new ArrayList<>(2);
      busy.add(RedisCommands.indexPut(keys.userBusy(call.caller()), entry));
      if (call.callee() != null) {
        busy.add(RedisCommands.indexPut(keys.userBusy(call.callee()), entry));
      }
      return RedisCommands.bestEffort(redis.batch(busy), "busy").map(call);
    });
  }

  @Override
  public Future<Call> endIfRinging(CallId id) {
    return endCall(id, true);
  }

  @Override
  public Future<Call> end(CallId id) {
    return endCall(id, false);
  }

  private Future<Call> endCall(CallId id, boolean onlyIfRinging) {
    return redis.eval(RedisScripts.CALL_END, List.of(keys.call(id)), onlyIfRinging ? "1" : "0").compose(r -> {
      if (r == null) {
        return Future.succeededFuture(null);
      }
      Call call = RedisCodec.call(str(r.get(0)), str(r.get(2)), str(r.get(3)));
      return unindex(call, str(r.get(1)), !call.isRinging()).map(call);
    });
  }

  @Override
  public Future<List<Call>> callsOf(UserId user) {
    String index = keys.userCalls(user);
    return redis.send(Request.cmd(Command.HGETALL).arg(index)).compose(r -> {
      List<IndexEntry> entries = RedisCodec.indexEntries(r);
      return readCalls(entries).compose(replies -> {
        long now = System.currentTimeMillis();
        List<Call> out = new ArrayList<>();
        List<Request> stale = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
          IndexEntry e = entries.get(i);
          List<String> c = strings(replies.get(i));
          if (c.get(0) != null && e.token().equals(c.get(1))) {
            out.add(RedisCodec.call(c.get(0), c.get(2), c.get(3)));
          } else if (e.staleAt(now)) {
            stale.add(RedisCommands.indexDelete(index, e.field()));
          }
        }
        return RedisCommands.bestEffort(redis.batch(stale), "calls stale").map(out);
      });
    });
  }

  @Override
  public Future<Boolean> isBusy(UserId user) {
    return redis.send(Request.cmd(Command.HGETALL).arg(keys.userBusy(user)))
        .compose(r -> busyCalls(user, RedisCodec.indexEntries(r)))
        .map(live -> live > 0);
  }

  /**
   * How many of the user's busy entries name a call that is connected now. An entry whose call
   * has ended (absent, or another instance of the id) is dropped at once: it is written only after
   * its call connected, so it cannot belong to anything in flight.
   */
  private Future<Integer> busyCalls(UserId user, List<IndexEntry> entries) {
    return readCalls(entries).compose(replies -> {
      int live = 0;
      List<Request> ended = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        IndexEntry e = entries.get(i);
        List<String> c = strings(replies.get(i));
        if (c.get(0) == null || !e.token().equals(c.get(1))) {
          ended.add(RedisCommands.indexDelete(keys.userBusy(user), e.field()));
        } else if ("connected".equals(c.get(2))) {
          live++;
        }
      }
      int busy = live;
      return RedisCommands.bestEffort(redis.batch(ended), "busy ended").map(busy);
    });
  }

  /** HMGET record, token, state, answered of each entry's call, in one pipeline. */
  private Future<List<Response>> readCalls(List<IndexEntry> entries) {
    List<Request> reads = new ArrayList<>(entries.size());
    for (IndexEntry e : entries) {
      reads.add(Request.cmd(Command.HMGET).arg(keys.call(CallId.of(e.id()))).arg("record").arg("token").arg("state")
          .arg("answered"));
    }
    return redis.batch(reads);
  }
}
