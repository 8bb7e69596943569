package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/** Payloads cross nodes as JSON text: numbers must come out as the sender wrote them. */
class RouterJsonTest {

  @Test
  void decimalsKeepTheirDigitsAcrossTheTextForm() throws Exception {
    Field f = EventBusRouter.class.getDeclaredField("JSON");
    f.setAccessible(true);
    ObjectMapper json = (ObjectMapper) f.get(null);
    String sent = "{\"a\":1.10,\"b\":12345678.9,\"c\":42,\"d\":123456789012345678901234567890,\"e\":0.1}";
    JsonNode parsed = json.readTree(sent);
    assertEquals(sent, json.writeValueAsString(parsed));
  }
}
