package io.switchboard.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Small JSON helpers for tests in other packages. */
public final class HttpApiTestAccess {
  private HttpApiTestAccess() {}

  public static List<String> strings(JsonNode array) {
    return HttpApiTest.strings(array);
  }
}
