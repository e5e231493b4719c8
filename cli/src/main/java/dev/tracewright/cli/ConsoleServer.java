package dev.tracewright.cli;

import dev.tracewright.runtime.store.LoopbackOnly;
import java.nio.file.Path;
import java.sql.SQLException;
import org.h2.server.web.WebServer;
import org.h2.tools.Server;

/**
 * H2's own web console on 127.0.0.1, with a session already connected to the trace database, so
 * the printed URL opens it directly. Never {@code -webAllowOthers} (only local clients), never
 * {@code -ifNotExists} (nobody can create databases through it); the bind address is loopback.
 */
public final class ConsoleServer implements AutoCloseable {
  private final Server server;
  private final TraceDb db;
  private final String url;

  private ConsoleServer(Server server, TraceDb db, String url) {
    this.server = server;
    this.db = db;
    this.url = url;
  }

  /** Starts the console on {@code port} (0: any free port) for the database at {@code path}. */
  public static ConsoleServer start(Path path, int port) {
    LoopbackOnly.ensure();
    if (!LoopbackOnly.isLoopback()) {
      throw new CliException("refusing to start the console: H2 would listen beyond 127.0.0.1 (h2.bindAddress="
          + System.getProperty(LoopbackOnly.PROPERTY) + ")");
    }
    TraceDb db = TraceDb.open(path);
    try {
      WebServer web = new WebServer();
      Server server = new Server(web, "-webPort", String.valueOf(port)).start();
      String session = web.addSession(db.connection());
      // The session URL names this machine's host; the server only listens on loopback.
      String url = session.replaceFirst("^http://[^/:]+", "http://127.0.0.1");
      return new ConsoleServer(server, db, url);
    } catch (SQLException e) {
      db.close();
      throw new CliException("cannot start the H2 console on port " + port + ": " + TraceDb.firstLine(e.getMessage()));
    }
  }

  /** Opens the console already connected to the trace database. */
  public String url() {
    return url;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.stop();
    db.close();
  }
}
