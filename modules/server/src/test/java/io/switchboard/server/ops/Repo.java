package io.switchboard.server.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's files (the chart, the manifests, the dashboard, the README) from a test. */
final class Repo {
  private Repo() {}

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("modules"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath());
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }
}
