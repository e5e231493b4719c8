package dev.tracewright.cli;

import dev.tracewright.runtime.store.H2Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file a command writes with {@code -o}: a new one unless {@code --force}, never an H2 database
 * file, written beside its target and moved into place so a failure never leaves half a file.
 */
final class OutputFile {
  /** What goes into the file. */
  interface Content {
    void writeTo(Writer out) throws IOException;
  }

  private OutputFile() {}

  /** The target if it may be written, else a {@link CliException} saying why. */
  static Path checked(Path output, Path database, boolean force, String what) {
    Path target = output.toAbsolutePath().normalize();
    Path dir = target.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new CliException("cannot write " + target + ": no such directory " + dir);
    }
    String name = target.getFileName().toString();
    if (name.endsWith(".mv.db") || name.endsWith(".lock.db") || name.endsWith(".trace.db") || isSameFile(target, database)) {
      throw new CliException("refusing to write the " + what + " over an H2 database file: " + target);
    }
    if (Files.isDirectory(target)) {
      throw new CliException("cannot write " + target + ": it is a directory");
    }
    if (Files.exists(target) && !force) {
      throw new CliException(target + " exists; choose a new file, or pass --force to replace it");
    }
    return target;
  }

  static void write(Path target, Content content) {
    Path temp = null;
    try {
      temp = Files.createTempFile(target.getParent(), ".tracewright-", ".tmp");
      try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        content.writeTo(out);
      }
      try {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new CliException("cannot write " + target + ": " + e.getMessage());
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: a temp file beside the target
        }
      }
    }
  }

  private static boolean isSameFile(Path target, Path database) {
    Path data = H2Store.dataFile(database);
    try {
      return Files.exists(target) && Files.exists(data) && Files.isSameFile(target, data);
    } catch (IOException e) {
      return false;
    }
  }
}
