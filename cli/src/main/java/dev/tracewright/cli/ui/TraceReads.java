package dev.tracewright.cli.ui;

import dev.tracewright.cli.CliException;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.runtime.capture.PricingTable;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The server's reads, each on a connection of its own, closed when the read is done. A reader that
 * kept the file open would lock it: an agent started while the UI is open could not record (H2
 * allows one process to open a file; the others go through its AUTO_SERVER, which a read-only
 * reader does not offer). So the file is held only for the milliseconds of a request, and the
 * runtime's retry covers an agent that opens it meanwhile. One read at a time.
 */
final class TraceReads {
  /** A read on the database. */
  interface Read<T> {
    T on(TraceDb db) throws SQLException;
  }

  private final Path path;
  private final PricingTable pricing;

  /** Checks the database now, so a missing or unreadable one is reported before the server starts. */
  TraceReads(Path path) {
    this(path, PricingTable.bundled());
  }

  TraceReads(Path path, PricingTable pricing) {
    this.path = path;
    this.pricing = pricing;
    TraceDb.open(path).close();
  }

  synchronized <T> T read(Read<T> read) {
    TraceDb db;
    try {
      db = TraceDb.open(path).pricing(pricing);
    } catch (CliException e) {
      throw new ApiError(503, e.getMessage()); // deleted, busy or corrupt since the server started
    }
    try (db) {
      return read.on(db);
    } catch (SQLException e) {
      throw new ApiError(503, "the trace database failed: " + firstLine(e.getMessage()));
    } catch (CliException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
