package io.switchboard.server.config;

import static io.switchboard.server.api.SioTestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.SwitchboardNode;
import io.switchboard.server.api.HttpTestClient;
import io.switchboard.server.api.SioTestClient;
import io.switchboard.server.api.TestNodes;
import io.switchboard.testkit.TestVertx;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ICE settings reach clients: a socket joining a meeting gets the STUN URLs and the TURN URLs
 * with TURN REST credentials that a TURN server holding the same secret (coturn
 * {@code static-auth-secret}) accepts: username {@code <expiry>:<userId>}, credential
 * base64(HMAC-SHA1(secret, username)), recomputed here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IceServersTest {
  static final String TURN_SECRET = "coturn-static-auth-secret";

  @Test
  void meetingJoinedCarriesStunAndTurnWithWorkingCredentials() throws Exception {
    TestVertx testVertx = TestVertx.create();
    SwitchboardNode node = TestNodes.start(testVertx,
        "SWITCHBOARD_STUN_URLS", "stun:stun.example:3478",
        "SWITCHBOARD_TURN_URLS", "turn:turn.example:3478?transport=udp,turns:turn.example:5349?transport=tcp",
        "SWITCHBOARD_TURN_SECRET", TURN_SECRET,
        "SWITCHBOARD_TURN_TTL_S", "600");
    try (HttpTestClient http = new HttpTestClient(node.port(), Map.of());
        SioTestClient client = SioTestClient.connect(node.port())) {
      String meeting = http.post("/api/meetings", "{\"meeting_name\":\"ice\",\"creator_id\":\"wendy\"}").json()
          .get("id").asText();
      long before = System.currentTimeMillis() / 1000;
      JSONObject ack = client.request("join-meeting", json("meetingId", meeting, "userId", "wendy"));
      assertTrue(ack.getBoolean("ok"), ack::toString);
      JSONArray servers = client.awaitObject("meeting-joined").getJSONObject("webrtcConfig").getJSONArray("iceServers");
      long after = System.currentTimeMillis() / 1000;
      assertEquals(2, servers.length(), servers::toString);

      JSONObject stun = servers.getJSONObject(0);
      assertEquals("stun:stun.example:3478", stun.getJSONArray("urls").getString(0));

      JSONObject turn = servers.getJSONObject(1);
      assertEquals("turn:turn.example:3478?transport=udp", turn.getJSONArray("urls").getString(0));
      assertEquals("turns:turn.example:5349?transport=tcp", turn.getJSONArray("urls").getString(1));
      String username = turn.getString("username");
      String[] parts = username.split(":", 2);
      long expiry = Long.parseLong(parts[0]);
      assertEquals("wendy", parts[1], "the user id follows the expiry");
      assertTrue(expiry >= before + 600 && expiry <= after + 600, "expiry is now + TTL: " + expiry);
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      String expected = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
      assertEquals(expected, turn.getString("credential"), "what coturn recomputes");
    } finally {
      TestVertx.await(node.stop());
      testVertx.assertNoBlockedThreads();
      testVertx.close();
    }
  }

  @Test
  void withoutIceSettingsTheListIsEmpty() throws Exception {
    TestVertx testVertx = TestVertx.create();
    SwitchboardNode node = TestNodes.start(testVertx);
    try (HttpTestClient http = new HttpTestClient(node.port(), Map.of());
        SioTestClient client = SioTestClient.connect(node.port())) {
      String meeting = http.post("/api/meetings", "{\"meeting_name\":\"none\",\"creator_id\":\"x\"}").json()
          .get("id").asText();
      client.request("join-meeting", json("meetingId", meeting, "userId", "x"));
      JSONArray servers = client.awaitObject("meeting-joined").getJSONObject("webrtcConfig").getJSONArray("iceServers");
      assertEquals(0, servers.length());
    } finally {
      TestVertx.await(node.stop());
      testVertx.assertNoBlockedThreads();
      testVertx.close();
    }
  }
}
