package io.switchboard.signaling;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The size walk counts numbers, booleans and null as their text would, without making the text. */
class JsonSizeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void scalarsCountExactlyTheirTextLength() throws Exception {
    for (String text : List.of("0", "7", "-7", "10", "99", "-100", "2147483647", "-2147483648", "9223372036854775807",
        "-9223372036854775808", "1234567890123", "true", "false", "null", "1.5", "-0.25", "1e10")) {
      JsonNode node = JSON.readTree(text);
      int length = JSON.writeValueAsString(node).length();
      assertFalse(JsonSize.exceeds(node, length), () -> text + " counted more than " + length);
      assertTrue(JsonSize.exceeds(node, length - 1), () -> text + " counted less than " + length);
    }
  }

  @Test
  void aTreeOfNumbersIsBoundedByItsText() throws Exception {
    JsonNode tree = JSON.readTree("{\"a\":[1,-22,333,true,null],\"b\":{\"c\":-4444,\"d\":\"x\"}}");
    int length = JSON.writeValueAsString(tree).length();
    assertFalse(JsonSize.exceeds(tree, length + 16), "an upper bound close to the text");
    assertTrue(JsonSize.exceeds(tree, length - 1), "never below the text");
  }
}
