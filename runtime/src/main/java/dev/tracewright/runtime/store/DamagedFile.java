package dev.tracewright.runtime.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import org.h2.api.ErrorCode;

/**
 * A trace database file H2 cannot use any more: it says the file is corrupt, or it opens without
 * the tables its own schema version says it has (what a reopen at a very old version looks like).
 * Recording into it would fail for ever, so the store moves it aside (kept for H2's Recover tool,
 * next to the original as {@code traces.damaged-<UTC time>.mv.db}) and starts a new file. Lock
 * errors, a newer H2 format or a newer schema are not damage: those files are left alone.
 */
final class DamagedFile {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private DamagedFile() {}

  /** Thrown when a database opens but lacks tables its schema version says it has. */
  static final class MissingTables extends SQLException {
    MissingTables(String message) {
      super(message);
    }
  }

  /** A database whose schema has a version (1 or later) has the four tables every version has. */
  static void requireTablesOfItsVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT SUM(CASE WHEN TABLE_NAME = 'SCHEMA_VERSION' THEN 1 ELSE 0 END), SUM(CASE WHEN TABLE_NAME <> 'SCHEMA_VERSION' THEN 1 ELSE 0 END)"
                + " FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
                + " AND TABLE_NAME IN ('SCHEMA_VERSION', 'TRACES', 'SPANS', 'SPAN_EVENTS', 'BLOBS')")) {
      rs.next();
      int tables = rs.getInt(2);
      if (rs.getInt(1) == 0 || tables == 4) {
        return; // a new database, or a whole one
      }
      int version = Schema.version(st);
      if (version > 0) {
        throw new MissingTables("schema version " + version + " but only " + tables + " of its tables traces, spans, span_events, blobs");
      }
    }
  }

  static boolean isDamage(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MissingTables || (t instanceof SQLException s && s.getErrorCode() == ErrorCode.FILE_CORRUPTED_1)) {
        return true;
      }
    }
    return false;
  }

  /** The file's identity (inode), or null if there is no file: compared before it is moved. */
  static Object identity(Path data) {
    try {
      return Files.readAttributes(data, BasicFileAttributes.class).fileKey();
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /**
   * Moves {@code data} aside if it is still the file that failed to open ({@code identity}): another
   * process may have moved it and started a new one meanwhile. Returns where it went, or null.
   */
  static Path moveAside(Path data, Object identity) throws IOException {
    if (identity == null || !Objects.equals(identity, identity(data))) {
      return null;
    }
    String name = data.getFileName().toString();
    String stem = name.substring(0, name.length() - ".mv.db".length());
    Path aside = data.resolveSibling(stem + ".damaged-" + STAMP.format(Instant.now()) + ".mv.db");
    for (int n = 2; Files.exists(aside); n++) {
      aside = data.resolveSibling(stem + ".damaged-" + STAMP.format(Instant.now()) + "-" + n + ".mv.db");
    }
    try {
      return Files.move(data, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException gone) {
      return null; // another process moved it first
    }
  }
}
