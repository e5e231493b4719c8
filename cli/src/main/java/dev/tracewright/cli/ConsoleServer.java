package dev.tracewright.cli;

import dev.tracewright.runtime.store.LoopbackOnly;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import org.h2.server.web.GuardedConsole;

/**
 * H2's own web console on 127.0.0.1, serving only the session it opens on the trace database: no
 * login form, no other JDBC URL, no new sessions (see {@link GuardedConsole}). The printed URLs carry
 * that session's random ID, so only whoever reads them gets in.
 *
 * <p>Unlike the short read-only commands, the console stays open for as long as the user likes, so
 * it opens the database through H2's AUTO_SERVER: an agent started while it is open records through
 * it (a read-only reader would hold the file and keep the agent out).
 */
public final class ConsoleServer implements AutoCloseable {
  /** What the console opens on: the newest traces, newest first, rounded for reading. */
  static final String OPENING_QUERY = "SELECT * FROM trace_summary LIMIT 200";

  private final ServerSocket socket;
  private final GuardedConsole console;
  private final TraceDb db;
  private final Thread acceptor;

  private ConsoleServer(ServerSocket socket, GuardedConsole console, TraceDb db) {
    this.socket = socket;
    this.console = console;
    this.db = db;
    this.acceptor = new Thread(this::accept, "tracewright-console");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts the console on {@code port} (0: any free port) for the database at {@code path}. */
  public static ConsoleServer start(Path path, int port) {
    LoopbackOnly.ensure();
    TraceDb db = TraceDb.open(path, true);
    ServerSocket socket = null;
    try {
      socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
      return new ConsoleServer(socket, GuardedConsole.forConnection(db.connection()), db);
    } catch (IOException | SQLException e) {
      closeQuietly(socket);
      db.close();
      throw new CliException("cannot start the H2 console on 127.0.0.1:" + port + ": " + TraceDb.firstLine(e.getMessage()));
    }
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        console.serve(client);
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // one failed accept; keep serving
      }
    }
  }

  /** The full console (tables and views on the left, an SQL editor), already connected to the trace database. */
  public String url() {
    return base() + "/frame.jsp?jsessionid=" + console.sessionId();
  }

  /** The newest traces straight away; the console's editor then holds the query, ready to change. */
  public String tracesUrl() {
    return base() + "/query.do?jsessionid=" + console.sessionId() + "&sql=" + URLEncoder.encode(OPENING_QUERY, StandardCharsets.UTF_8);
  }

  private String base() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public void close() {
    closeQuietly(socket);
    console.close();
    db.close();
  }

  private static void closeQuietly(ServerSocket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // stopping anyway
      }
    }
  }
}
