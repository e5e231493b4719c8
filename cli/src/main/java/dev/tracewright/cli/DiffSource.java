package dev.tracewright.cli;

import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.store.H2Store;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * One side of {@code tracewright diff}: an existing file is a JSONL export ({@code file#id} picks a
 * trace in a file of several); anything else is a trace ID or prefix in the database.
 */
record DiffSource(String argument, Path file, String traceId) {
  static DiffSource parse(String argument) {
    if (isFile(argument)) {
      return new DiffSource(argument, Path.of(argument), null);
    }
    int hash = argument.lastIndexOf('#');
    if (hash > 0 && isFile(argument.substring(0, hash))) {
      return new DiffSource(argument, Path.of(argument.substring(0, hash)), argument.substring(hash + 1));
    }
    if (!argument.trim().matches("[0-9a-fA-F]{1,32}")) {
      throw new CliException("'" + TerminalText.escape(argument) + "' is neither a file nor a trace ID (up to 32 hex digits)");
    }
    return new DiffSource(argument, null, argument.trim());
  }

  private static boolean isFile(String path) {
    try {
      return Files.isRegularFile(Path.of(path));
    } catch (InvalidPathException e) {
      return false; // not a path this system can name: maybe a trace ID
    }
  }

  /**
   * Reads the trace; a bad file or unknown ID is a {@link CliException}. {@code db} opens the
   * database on demand; {@code load} says whether its blobs are read (only to print them).
   */
  RecordedTrace read(Supplier<TraceDb> db, RecordedTrace.ContentLoad load) {
    try {
      if (file == null) {
        return RecordedTrace.fromDatabase(db.get().connection(), traceId, load);
      }
      return traceId == null ? RecordedTrace.fromFile(file) : RecordedTrace.fromFile(file, traceId);
    } catch (IllegalArgumentException e) {
      throw new CliException(TerminalText.escape(e.getMessage()));
    }
  }

  /** How the header names where the trace came from. */
  String origin(Path database) {
    return (file == null ? H2Store.dataFile(database) : file).toString();
  }
}
