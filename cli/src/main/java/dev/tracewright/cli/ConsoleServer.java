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
  /** What the console opens on: the newest traces, newest first, rounded for reading. */
  static final String OPENING_QUERY = "SELECT * FROM trace_summary LIMIT 200";

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

  /** The full console (tables and views on the left, an SQL editor), already connected to the trace database. */
  public String url() {
    return url;
  }

  /** The newest traces straight away; the console's editor then holds the query, ready to change. */
  public String tracesUrl() {
    String session = url.substring(url.indexOf("jsessionid="));
    return url.substring(0, url.indexOf("/frame.jsp")) + "/query.do?" + session + "&sql="
        + java.net.URLEncoder.encode(OPENING_QUERY, java.nio.charset.StandardCharsets.UTF_8);
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
