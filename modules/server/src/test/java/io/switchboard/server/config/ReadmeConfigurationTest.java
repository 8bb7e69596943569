package io.switchboard.server.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.switchboard.server.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table lists every setting of {@link ServerConfig#SETTINGS}. On
 * failure the message holds the missing rows, generated from the settings, to paste in.
 */
class ReadmeConfigurationTest {
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([A-Z0-9_]+)`\\s*\\|");

  static Path readme() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("README.md");
      if (Files.exists(candidate) && Files.exists(dir.resolve("modules"))) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
  }

  /** The variable names in the rows of the "## Configuration" section's tables. */
  static Set<String> documented(List<String> lines) {
    Set<String> keys = new LinkedHashSet<>();
    boolean inSection = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSection = line.strip().equals("## Configuration");
        continue;
      }
      if (!inSection) {
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        keys.add(m.group(1));
      }
    }
    return keys;
  }

  @Test
  void everySettingIsInTheReadmesConfigurationTable() throws IOException {
    List<String> lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);
    Set<String> documented = documented(lines);
    assertTrue(documented.contains("PORT"), "the configuration table was not found in " + readme());
    List<String> missing = new ArrayList<>();
    for (String key : ServerConfig.SETTINGS.keySet()) {
      if (!documented.contains(key)) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      StringBuilder rows = new StringBuilder();
      for (String row : ServerConfig.markdownRows().split("\n")) {
        for (String key : missing) {
          if (row.startsWith("| `" + key + "` ")) {
            rows.append(row).append('\n');
          }
        }
      }
      fail("README.md's configuration table misses " + missing + "; rows to add:\n" + rows);
    }
  }
}
