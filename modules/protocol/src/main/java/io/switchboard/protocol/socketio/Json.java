package io.switchboard.protocol.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;

/**
 * The one JSON mapper of the wire layer. Parsing keeps what the peer wrote: integers stay
 * integers, decimals keep their digits (BigDecimal, no normalisation), key order is kept, and
 * output adds no whitespace, so a relayed payload goes out as it came in.
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          // Packets are written straight to UTF-8 bytes (SioParser.encode): a character outside the
          // BMP goes out as its 4 UTF-8 bytes, as from a String, not as two escaped surrogates.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private Json() {}

  /** Parses one JSON value; the whole text must be that value. */
  public static JsonNode parse(String text) throws JsonProcessingException {
    return MAPPER.readTree(text);
  }

  /**
   * Parses the JSON value that fills {@code text} from {@code offset} to its end, without copying
   * that part out first.
   */
  public static JsonNode parse(String text, int offset) throws JsonProcessingException {
    if (offset == 0) {
      return parse(text);
    }
    StringReader reader = new StringReader(text);
    try {
      reader.skip(offset);
      return MAPPER.readTree(reader);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("a StringReader does not fail", e);
    }
  }

  /**
   * Builds the mapper and loads what reading and writing packets needs, now: done lazily, this
   * class loading takes hundreds of milliseconds and would block the event loop that handles the
   * first Socket.IO packet.
   */
  public static void warmUp() {
    try {
      write(parse("[\"event\",{\"k\":[1,-2.5,true,false,null,\"s\"]}]"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the warm-up document is valid JSON", e);
    }
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
