package io.switchboard.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.engine.EncodedText;
import io.switchboard.protocol.engine.EngineCodec;
import io.switchboard.protocol.engine.EnginePacket;
import io.switchboard.protocol.socketio.EncodedPacket;
import io.switchboard.protocol.socketio.Json;
import io.switchboard.protocol.socketio.SioPacket;
import io.switchboard.protocol.socketio.SioPacketType;
import io.switchboard.protocol.socketio.SioParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec cost of one signaling message: an {@code offer} event with a ~2 KB SDP, Engine.IO
 * framing included (WebSocket text frame {@code 42[...]}, or a long-polling body).
 *
 * <p>Run: {@code ./mvnw -q -B package -pl modules/bench -am -DskipTests && java -jar
 * modules/bench/target/benchmarks.jar CodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  private String frame;
  private String pollingBody;
  private SioPacket packet;
  private SioParser.Decoder decoder;
  /** The offer's payload as JSON text, as it crosses from one node to another. */
  private String payloadJson;

  @Setup(Level.Trial)
  public void setUp() {
    frame = SignalingSamples.offerFrame();
    pollingBody = frame;
    decoder = new SioParser.Decoder(10);
    packet = decodeFrame();
    payloadJson = Json.write(packet.data().get(1));
    if (!textOf(fromNodeParsed()).equals(textOf(fromNodeAsText()))) {
      throw new IllegalStateException("payload text and parsed payload encode differently: " + textOf(fromNodeAsText()));
    }
    // The relay must put on the wire exactly what came in.
    if (!frame.equals(textOf(encodeFrame())) || !frame.equals(textOf(relay()))) {
      throw new IllegalStateException("codec does not round-trip the sample: " + textOf(encodeFrame()));
    }
    if (!((ArrayNode) decoder.decodeText(EngineCodec.decodeText(textOf(relayRewrite())).text()).data())
        .get(1).get("fromUserId").textValue().equals(SignalingSamples.FROM_USER_ID)) {
      throw new IllegalStateException("rewrite lost the sender");
    }
  }

  /** WebSocket text frame in, Socket.IO packet out (Engine.IO decode, then Socket.IO decode + JSON parse). */
  @Benchmark
  public SioPacket decodeFrame() {
    EnginePacket engine = EngineCodec.decodeText(frame);
    return decoder.decodeText(engine.text());
  }

  /** A frame's text, as the client reads it. */
  private static String textOf(EncodedText message) {
    return EngineCodec.encodeText(EnginePacket.message(message.text()));
  }

  /**
   * Socket.IO packet in, the bytes of the WebSocket text frame out (JSON write, Socket.IO header,
   * Engine.IO digit): what every WebSocket session the packet goes to writes as it is.
   */
  @Benchmark
  public EncodedText encodeFrame() {
    EncodedPacket encoded = SioParser.encode(packet);
    return encoded.message();
  }

  /** Receive and forward unchanged: decode then encode. */
  @Benchmark
  public EncodedText relay() {
    SioPacket in = decoder.decodeText(EngineCodec.decodeText(frame).text());
    return SioParser.encode(in).message();
  }

  /** Receive, swap {@code targetUserId} for {@code fromUserId} (what a signaling server does), forward. */
  @Benchmark
  public EncodedText relayRewrite() {
    SioPacket in = decoder.decodeText(EngineCodec.decodeText(frame).text());
    ObjectNode body = (ObjectNode) in.data().get(1);
    body.remove("targetUserId");
    body.put("fromUserId", SignalingSamples.FROM_USER_ID);
    return SioParser.encode(in).message();
  }

  /**
   * A payload that came from another node as JSON text, to a socket here: parsed, then encoded
   * (what the receiving node did before it wrote the text as it came).
   */
  @Benchmark
  public EncodedText fromNodeParsed() {
    try {
      ArrayNode data = JsonNodeFactory.instance.arrayNode(2).add("offer").add(Json.parse(payloadJson));
      return SioParser.encode(new SioPacket(SioPacketType.EVENT, "/", SioPacket.NO_ID, data)).message();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same, with the text wrapped in the packet as it is (what the receiving node does). */
  @Benchmark
  public EncodedText fromNodeAsText() {
    return SioParser.encodeEvent("/", "offer", payloadJson).message();
  }

  /** The same packet as an HTTP long-polling request body. */
  @Benchmark
  public SioPacket decodePolling() {
    List<EnginePacket> packets = EngineCodec.decodePayload(pollingBody);
    return decoder.decodeText(packets.get(0).text());
  }

  /** The same packet as an HTTP long-polling response body. */
  @Benchmark
  public String encodePolling() {
    return EngineCodec.encodePayload(List.of(EnginePacket.message(SioParser.encode(packet).text())));
  }
}
