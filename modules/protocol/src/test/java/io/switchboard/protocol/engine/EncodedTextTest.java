package io.switchboard.protocol.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedTextTest {
  private static final List<String> TEXTS = List.of("", "2[\"ice-candidate\",{\"to\":\"u1\"}]", "é", "中文 text",
      "emoji \uD83D\uDE00 and more", "2/ünï,[\"x\"]");

  @Test
  void theFrameIsTheMessageDigitThenTheTextInUtf8() {
    for (String text : TEXTS) {
      EncodedText m = EncodedText.of(text);
      assertArrayEquals(("4" + text).getBytes(StandardCharsets.UTF_8), m.frame(), text);
      assertEquals(text, m.text());
    }
  }

  @Test
  void partsAreEncodedOneAfterTheOther() {
    EncodedText m = EncodedText.of("2[\"offer\",", "{\"sdp\":\"中 \uD83D\uDE00\"}", "]");
    String whole = "2[\"offer\",{\"sdp\":\"中 \uD83D\uDE00\"}]";
    assertArrayEquals(("4" + whole).getBytes(StandardCharsets.UTF_8), m.frame());
    assertEquals(whole, m.text(), "the text is decoded from the frame");
  }

  @Test
  void aFrameBuiltElsewhereGivesItsTextAndMustStartWithTheMessageDigit() {
    byte[] frame = "42[\"é\"]".getBytes(StandardCharsets.UTF_8);
    EncodedText m = EncodedText.ofFrame(frame);
    assertEquals("2[\"é\"]", m.text());
    assertEquals(m.text(), m.text());
    assertThrows(IllegalArgumentException.class, () -> EncodedText.ofFrame("32".getBytes(StandardCharsets.UTF_8)));
    assertThrows(IllegalArgumentException.class, () -> EncodedText.ofFrame(new byte[0]));
  }
}
