package dev.tracewright.cli.ui;

import dev.tracewright.cli.CliException;
import dev.tracewright.cli.TraceDb;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The server's one read-only connection, used by one request at a time (a JDBC connection is not
 * for concurrent use). After a failure (an agent handing its AUTO_SERVER over, a broken socket) it
 * is reopened on the next request, so the UI outlives the agents that write the file.
 */
final class SharedTraceDb implements AutoCloseable {
  /** A read on the database. */
  interface Read<T> {
    T on(TraceDb db) throws SQLException;
  }

  private final Path path;
  private TraceDb db;

  /** Opens the database now, so a missing or unreadable one is reported before the server starts. */
  SharedTraceDb(Path path) {
    this.path = path;
    this.db = TraceDb.open(path);
  }

  synchronized <T> T read(Read<T> read) {
    try {
      if (db == null) {
        db = TraceDb.open(path);
      }
      return read.on(db);
    } catch (SQLException e) {
      closeConnection();
      throw new ApiError(503, "the trace database failed: " + firstLine(e.getMessage()));
    } catch (CliException e) {
      if (db == null) {
        throw new ApiError(503, e.getMessage()); // could not reopen it
      }
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

  private void closeConnection() {
    if (db != null) {
      db.close();
      db = null;
    }
  }

  @Override
  public synchronized void close() {
    closeConnection();
  }
}
