package io.switchboard.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one codec of {@link InterNodeMessage}: {@code version:u8, type:u8}, then the fields as
 * length-prefixed UTF-8 strings; a {@link Deliver} ends with the count of its binary values and,
 * for each, its JSON Pointer and its length-prefixed bytes. Unknown versions or types decode to null (the receiver logs and
 * drops them). Within one process the message object itself is passed on.
 */
public final class InterNodeCodec implements MessageCodec<InterNodeMessage, InterNodeMessage> {
  public static final String NAME = "switchboard-internode";
  private static final byte DELIVER = 1;
  private static final byte POLL_REQUEST = 2;
  private static final byte POLL_RESPONSE = 3;
  private static final byte POLL_CANCEL = 4;

  @Override
  public void encodeToWire(Buffer buffer, InterNodeMessage message) {
    buffer.appendByte((byte) InterNodeMessage.VERSION);
    if (message instanceof Deliver d) {
      buffer.appendByte(DELIVER);
      string(buffer, d.origin().value());
      string(buffer, d.event());
      buffer.appendInt(d.sockets().size());
      for (SocketId s : d.sockets()) {
        string(buffer, s.value());
      }
      string(buffer, d.payloadJson());
      buffer.appendInt(d.binaries().size());
      for (Deliver.Binary b : d.binaries()) {
        string(buffer, b.pointer());
        buffer.appendInt(b.data().length).appendBytes(b.data());
      }
    } else if (message instanceof PollRequest r) {
      buffer.appendByte(POLL_REQUEST);
      string(buffer, r.origin().value());
      string(buffer, r.exchangeId());
      string(buffer, r.sid());
      buffer.appendByte((byte) ((r.post() ? 1 : 0) | (r.tooLarge() ? 2 : 0)));
      buffer.appendInt(r.body().length).appendBytes(r.body());
    } else if (message instanceof PollResponse r) {
      buffer.appendByte(POLL_RESPONSE);
      string(buffer, r.origin().value());
      buffer.appendInt(r.status());
      string(buffer, r.contentType());
      string(buffer, r.body());
      buffer.appendByte((byte) (r.closeConnection() ? 1 : 0));
    } else if (message instanceof PollCancel c) {
      buffer.appendByte(POLL_CANCEL);
      string(buffer, c.origin().value());
      string(buffer, c.sid());
      string(buffer, c.exchangeId());
    } else {
      throw new IllegalArgumentException("no wire form for " + message.getClass());
    }
  }

  @Override
  public InterNodeMessage decodeFromWire(int pos, Buffer buffer) {
    int[] at = {pos};
    int version = buffer.getByte(at[0]++);
    if (version != InterNodeMessage.VERSION) {
      return null;
    }
    byte type = buffer.getByte(at[0]++);
    switch (type) {
      case DELIVER:
        break;
      case POLL_REQUEST: {
        NodeId origin = NodeId.of(string(buffer, at));
        String exchangeId = string(buffer, at);
        String sid = string(buffer, at);
        byte flags = buffer.getByte(at[0]++);
        int len = buffer.getInt(at[0]);
        at[0] += 4;
        byte[] body = buffer.getBytes(at[0], at[0] + len);
        return new PollRequest(origin, exchangeId, sid, (flags & 1) != 0, body, (flags & 2) != 0);
      }
      case POLL_RESPONSE: {
        NodeId origin = NodeId.of(string(buffer, at));
        int status = buffer.getInt(at[0]);
        at[0] += 4;
        String contentType = string(buffer, at);
        String body = string(buffer, at);
        return new PollResponse(origin, status, contentType, body, buffer.getByte(at[0]) == 1);
      }
      case POLL_CANCEL:
        return new PollCancel(NodeId.of(string(buffer, at)), string(buffer, at), string(buffer, at));
      default:
        return null;
    }
    NodeId origin = NodeId.of(string(buffer, at));
    String event = string(buffer, at);
    int count = buffer.getInt(at[0]);
    at[0] += 4;
    List<SocketId> sockets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sockets.add(SocketId.of(string(buffer, at)));
    }
    String payload = string(buffer, at);
    int n = buffer.getInt(at[0]);
    at[0] += 4;
    List<Deliver.Binary> binaries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String pointer = string(buffer, at);
      int len = buffer.getInt(at[0]);
      at[0] += 4;
      binaries.add(new Deliver.Binary(pointer, buffer.getBytes(at[0], at[0] + len)));
      at[0] += len;
    }
    return new Deliver(origin, sockets, event, payload, binaries);
  }

  @Override
  public InterNodeMessage transform(InterNodeMessage message) {
    return message;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  /**
   * A length-prefixed UTF-8 string. Written straight into the buffer's bytes when it has them
   * (Vert.x's own buffers do), instead of through a copy of its bytes: the payload of every
   * cross-node message goes through here.
   */
  private static void string(Buffer buffer, String s) {
    if (buffer instanceof BufferInternal internal) {
      ByteBuf bytes = internal.unwrap();
      // The exact length first: writeCharSequence would make room for 3 bytes per char.
      int length = ByteBufUtil.utf8Bytes(s);
      bytes.ensureWritable(4 + length);
      bytes.writeInt(length);
      ByteBufUtil.reserveAndWriteUtf8(bytes, s, length);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  /** Reads a length-prefixed UTF-8 string at {@code at[0]} and moves past it; decoded in place when it can be. */
  private static String string(Buffer buffer, int[] at) {
    int len = buffer.getInt(at[0]);
    at[0] += 4;
    String s = buffer instanceof BufferInternal internal
        ? internal.unwrap().toString(at[0], len, StandardCharsets.UTF_8)
        : buffer.getString(at[0], at[0] + len, "UTF-8");
    at[0] += len;
    return s;
  }
}
