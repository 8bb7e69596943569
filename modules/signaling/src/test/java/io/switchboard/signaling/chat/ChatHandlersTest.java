package io.switchboard.signaling.chat;

import static io.switchboard.signaling.SignalingHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.signaling.Client;
import io.switchboard.signaling.Delivery;
import io.switchboard.signaling.SignalingHarness;
import io.switchboard.signaling.SignalingHarness.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chat relay (seed 002): payloads forwarded exactly as sent. The fixture: u1 on s1 and s2, u2 on
 * s3 and s4, u3 on s5; group room g1 holds s1, s3, s4, s2 is not in it; s6 is anonymous.
 */
class ChatHandlersTest {
  private SignalingHarness h;
  private final List<Client> c = new ArrayList<>();

  @BeforeEach
  void start() {
    h = new SignalingHarness();
    String[] users = {"u1", "u1", "u2", "u2", "u3"};
    for (String u : users) {
      Client client = h.client();
      c.add(client);
      assertTrue(h.send(client, "userOnline", json("'" + u + "'")).ok());
    }
    c.add(h.client());
    for (int i : new int[] {0, 2, 3}) {
      assertTrue(h.send(c.get(i), "joinGroup", json("'g1'")).ok());
    }
    h.clearDeliveries();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** Rows: sender socket (1-based), event, payload, sockets that receive it, received event, ack. */
  static Stream<Arguments> relays() {
    String text = "'text':'hi','from':'u1','meta':{'ts':1,'tags':['a']}";
    return Stream.of(
        Arguments.of(1, "sendMessage", "{'to':'u2'," + text + "}", List.of("s3", "s4"), "receiveMessage", "{'delivered':2}"),
        Arguments.of(6, "sendMessage", "{'to':'u3','text':'anon'}", List.of("s5"), "receiveMessage", "{'delivered':1}"),
        Arguments.of(1, "sendMessage", "{'to':'offline','text':'x'}", List.of(), "receiveMessage", "{'delivered':0}"),
        Arguments.of(1, "sendMessage", "{'to':'u1','text':'note to self'}", List.of("s1", "s2"), "receiveMessage",
            "{'delivered':2}"),
        Arguments.of(1, "sendGroupMessage", "{'groupId':'g1'," + text + "}", List.of("s3", "s4"), "receiveGroupMessage",
            "{'delivered':2}"),
        Arguments.of(3, "sendGroupMessage", "{'groupId':'g1','text':'from u2'}", List.of("s1", "s4"), "receiveGroupMessage",
            "{'delivered':2}"),
        Arguments.of(1, "sendGroupMessage", "{'groupId':'empty','text':'x'}", List.of(), "receiveGroupMessage",
            "{'delivered':0}"));
  }

  @ParameterizedTest(name = "s{0} {1} {2}")
  @MethodSource("relays")
  void chatIsRelayedAsSentToExactlyItsRecipients(int sender, String event, String payload, List<String> to, String received,
      String ack) {
    Outcome o = h.send(c.get(sender - 1), event, json(payload));
    assertTrue(o.ok(), () -> "refused: " + o.error());
    assertEquals(json(ack), o.ack());
    List<Delivery> expected = new ArrayList<>();
    for (String s : to) {
      expected.add(new Delivery(s, received, json(payload)));
    }
    List<Delivery> got = new ArrayList<>(h.deliveries());
    got.sort(Comparator.comparing(Delivery::socket));
    assertEquals(expected, got);
    for (Delivery d : got) {
      JsonNode p = d.payload();
      assertEquals(json(payload), p, "forwarded as is: no field added or removed");
    }
  }
}
