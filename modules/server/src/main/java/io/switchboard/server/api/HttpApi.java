package io.switchboard.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.socketio.Json;
import io.switchboard.signaling.ErrorCode;
import io.switchboard.signaling.Limits;
import io.switchboard.signaling.Payload;
import io.switchboard.signaling.Signaling;
import io.switchboard.signaling.SignalingException;
import io.switchboard.signaling.Views;
import io.switchboard.signaling.ids.GroupId;
import io.switchboard.signaling.ids.MeetingId;
import io.switchboard.signaling.ids.ParticipantId;
import io.switchboard.signaling.ids.UserId;
import io.switchboard.signaling.store.Meeting;
import io.switchboard.signaling.store.Stores;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The HTTP API for the app's backend (EVENTS.md, "HTTP API for the app's backend"), mounted under
 * {@code /api} on the node's router: meetings (create, read, end, kick), group membership and
 * user presence. JSON in and out; errors {@code {"error":{"code","message"}}} with the status of
 * the code ({@link ErrorCode#httpStatus()}; 401 {@code unauthorized} for a missing or wrong API
 * key). Bodies are read only on {@code /api} routes, up to the configured limit. Every id is
 * checked against the same limits as on the socket side; bad input changes nothing. A reply is
 * sent once the change is stored and the sockets concerned have been told, so a request that
 * follows it sees the change.
 */
public final class HttpApi {
  private static final System.Logger log = System.getLogger(HttpApi.class.getName());
  public static final String PREFIX = "/api";
  /** The most members one {@code PUT} may set (as {@code groupCreated}). */
  static final int MAX_MEMBERS = 10_000;
  static final int MAX_MEETING_CAPACITY = 100_000;

  private final Signaling signaling;
  private final Stores stores;
  private final Limits limits;
  private final ApiConfig config;
  private final List<String> corsOrigins;

  public HttpApi(Signaling signaling, ApiConfig config, List<String> corsOrigins) {
    this.signaling = signaling;
    this.stores = signaling.context().stores();
    this.limits = signaling.context().limits();
    this.config = config;
    this.corsOrigins = List.copyOf(corsOrigins);
  }

  /** Adds the {@code /api} routes to {@code router}; logs a warning when no API key protects them. */
  public void mount(Router router) {
    if (config.open()) {
      log.log(System.Logger.Level.WARNING, "SWITCHBOARD_API_KEY is not set: the HTTP API (" + PREFIX
          + ") is open to anyone who can reach this port");
    }
    router.route(PREFIX + "/*")
        .handler(new ApiGuard(corsOrigins, config.apiKey()))
        .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
        .failureHandler(this::failed);

    router.post(PREFIX + "/meetings").handler(action(201, this::createMeeting));
    router.get(PREFIX + "/meetings/:id").handler(action(200, this::getMeeting));
    router.post(PREFIX + "/meetings/:id/end").handler(action(200, this::endMeeting));
    router.delete(PREFIX + "/meetings/:id/participants/:participantId").handler(action(200, this::kick));
    router.get(PREFIX + "/groups/:groupId/members").handler(action(200, this::getMembers));
    router.put(PREFIX + "/groups/:groupId/members").handler(action(200, this::setMembers));
    router.post(PREFIX + "/groups/:groupId/members").handler(action(200, this::addMember));
    router.delete(PREFIX + "/groups/:groupId/members/:userId").handler(action(200, this::removeMember));
    router.get(PREFIX + "/users/:userId/groups").handler(action(200, this::groupsOf));
    router.get(PREFIX + "/users/:userId/presence").handler(action(200, this::presence));
    router.route(PREFIX + "/*").handler(rc -> ApiReplies.error(rc, SignalingException.notFound(
        "No route " + rc.request().method() + " " + rc.request().path())));
  }

  // ---- meetings --------------------------------------------------------------------------------

  private Future<JsonNode> createMeeting(RoutingContext rc) {
    Payload p = body(rc);
    String name = p.requiredName("meeting_name");
    UserId creator = UserId.of(p.requiredId("creator_id"));
    String password = p.optionalPassword("password");
    Integer capacity = optionalCapacity(p.raw().get("max_participants"));
    String given = p.optionalId("id");
    MeetingId id = MeetingId.of(given != null ? given : UUID.randomUUID().toString());
    // Checked first so a taken id costs no password hash; create() still refuses a race with conflict.
    return stores.meetings().get(id).compose(existing -> existing != null
            ? Future.failedFuture(new SignalingException(ErrorCode.CONFLICT, "Meeting already exists"))
            : signaling.meetings().create(id, name, creator, password, capacity))
        .map(meeting -> {
          rc.response().putHeader(HttpHeaders.LOCATION, PREFIX + "/meetings/" + encode(meeting.id().value()));
          return Views.meeting(meeting);
        });
  }

  private Future<JsonNode> getMeeting(RoutingContext rc) {
    MeetingId id = MeetingId.of(pathId(rc, "id"));
    return meeting(id).compose(meeting -> stores.meetings().participants(id).map(participants -> {
      ObjectNode view = Views.meeting(meeting);
      view.set("participants", Views.participants(participants));
      return view;
    }));
  }

  private Future<JsonNode> endMeeting(RoutingContext rc) {
    MeetingId id = MeetingId.of(pathId(rc, "id"));
    return signaling.meetings().end(id).map(end -> {
      ObjectNode view = Views.meeting(end.meeting());
      view.put("participants_removed", end.removed().size());
      return view;
    });
  }

  private Future<JsonNode> kick(RoutingContext rc) {
    MeetingId id = MeetingId.of(pathId(rc, "id"));
    ParticipantId participant = ParticipantId.of(pathId(rc, "participantId"));
    return meeting(id)
        .compose(meeting -> signaling.meetings().kick(id, participant))
        .map(v -> {
          ObjectNode out = Views.object();
          out.put("meetingId", id.value());
          out.put("participantId", participant.value());
          out.put("kicked", true);
          return out;
        });
  }

  private Future<Meeting> meeting(MeetingId id) {
    return stores.meetings().get(id).compose(meeting -> meeting == null
        ? Future.failedFuture(SignalingException.notFound("Meeting not found"))
        : Future.succeededFuture(meeting));
  }

  // ---- groups and users ------------------------------------------------------------------------

  private Future<JsonNode> getMembers(RoutingContext rc) {
    GroupId group = GroupId.of(pathId(rc, "groupId"));
    return stores.groups().members(group).map(members -> membersView(group, members));
  }

  private Future<JsonNode> setMembers(RoutingContext rc) {
    GroupId group = GroupId.of(pathId(rc, "groupId"));
    Set<UserId> members = new LinkedHashSet<>();
    for (String id : body(rc).requiredIds("memberIds", MAX_MEMBERS)) {
      members.add(UserId.of(id));
    }
    return signaling.groups().setMembers(group, members)
        .compose(v -> stores.groups().members(group))
        .map(stored -> membersView(group, stored));
  }

  private Future<JsonNode> addMember(RoutingContext rc) {
    GroupId group = GroupId.of(pathId(rc, "groupId"));
    UserId user = UserId.of(body(rc).requiredId("userId"));
    return signaling.groups().addMember(group, user).map(added -> {
      ObjectNode out = Views.object();
      out.put("groupId", group.value());
      out.put("userId", user.value());
      out.put("added", added);
      return out;
    });
  }

  private Future<JsonNode> removeMember(RoutingContext rc) {
    GroupId group = GroupId.of(pathId(rc, "groupId"));
    UserId user = UserId.of(pathId(rc, "userId"));
    return signaling.groups().removeMember(group, user).map(removed -> {
      ObjectNode out = Views.object();
      out.put("groupId", group.value());
      out.put("userId", user.value());
      out.put("removed", removed);
      return out;
    });
  }

  private Future<JsonNode> groupsOf(RoutingContext rc) {
    UserId user = UserId.of(pathId(rc, "userId"));
    return stores.groups().groupsOf(user).map(groups -> {
      ObjectNode out = Views.object();
      ArrayNode list = out.putArray("groups");
      groups.stream().map(GroupId::value).sorted().forEach(list::add);
      return out;
    });
  }

  private Future<JsonNode> presence(RoutingContext rc) {
    UserId user = UserId.of(pathId(rc, "userId"));
    return stores.presence().sockets(user).map(sockets -> {
      ObjectNode out = Views.object();
      out.put("online", !sockets.isEmpty());
      out.put("sockets", sockets.size());
      return out;
    });
  }

  private static ObjectNode membersView(GroupId group, Set<UserId> members) {
    ObjectNode out = Views.object();
    out.put("groupId", group.value());
    ArrayNode list = out.putArray("memberIds");
    List<String> sorted = new ArrayList<>(members.size());
    members.forEach(m -> sorted.add(m.value()));
    sorted.sort(null);
    sorted.forEach(list::add);
    return out;
  }

  // ---- reading requests ------------------------------------------------------------------------

  /** The body as a JSON object within the socket side's payload cap. */
  private Payload body(RoutingContext rc) {
    Buffer buffer = rc.body() == null ? null : rc.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw SignalingException.badRequest("The body must be a JSON object");
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(buffer.getBytes());
    } catch (IOException e) {
      throw SignalingException.badRequest("The body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw SignalingException.badRequest("The body must be a JSON object");
    }
    return Payload.object(node, limits);
  }

  /** A path parameter that must be an id (not blank, within the id limit). */
  private String pathId(RoutingContext rc, String name) {
    String value = rc.pathParam(name);
    if (value == null || value.isBlank()) {
      throw SignalingException.badRequest(name + " must not be empty");
    }
    if (value.length() > limits.maxIdLength()) {
      throw new SignalingException(ErrorCode.TOO_LARGE, name + " is longer than " + limits.maxIdLength() + " characters");
    }
    return value;
  }

  private static Integer optionalCapacity(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1 || v.intValue() > MAX_MEETING_CAPACITY) {
      throw SignalingException.badRequest("max_participants must be a whole number from 1 to " + MAX_MEETING_CAPACITY);
    }
    return v.intValue();
  }

  private static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- plumbing --------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Action {
    /** Reads the request (throwing a {@link SignalingException} on bad input) and starts the work. */
    Future<JsonNode> run(RoutingContext rc);
  }

  /** Runs an action and answers its result with {@code status}, back on the request's context. */
  private static Handler<RoutingContext> action(int status, Action action) {
    return rc -> {
      Context context = Vertx.currentContext();
      Future<JsonNode> result;
      try {
        result = action.run(rc);
      } catch (SignalingException e) {
        result = Future.failedFuture(e);
      } catch (IllegalArgumentException e) {
        result = Future.failedFuture(SignalingException.badRequest(e.getMessage()));
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        Runnable reply = () -> {
          if (ar.succeeded()) {
            ApiReplies.send(rc, status, ar.result());
          } else {
            ApiReplies.error(rc, ar.cause());
          }
        };
        if (context == null || Vertx.currentContext() == context) {
          reply.run();
        } else {
          context.runOnContext(v -> reply.run());
        }
      });
    };
  }

  /** Failures of the {@code /api} handlers: a body over the limit, or an unexpected exception. */
  private void failed(RoutingContext rc) {
    if (rc.statusCode() == 413) {
      ApiReplies.error(rc, new SignalingException(ErrorCode.TOO_LARGE,
          "The body is larger than " + config.maxBodyBytes() + " bytes"));
    } else if (rc.failure() != null) {
      ApiReplies.error(rc, rc.failure());
    } else if (rc.statusCode() == 400) {
      ApiReplies.error(rc, SignalingException.badRequest("Bad request"));
    } else {
      ApiReplies.error(rc, new SignalingException(ErrorCode.INTERNAL, "Internal error"));
    }
  }
}
