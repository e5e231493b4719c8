package org.h2.server.web;

import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import org.h2.util.NetworkConnectionInfo;

/**
 * Tracewright's use of H2's web console, limited to the one session it creates on the trace
 * database. H2's own server hands a session and a login form to anyone who connects; on a shared
 * machine that lets any local user open any H2 file this user can read, run Java through
 * {@code CREATE ALIAS}, or connect out with a {@code jdbc:h2:tcp:} URL. Here H2 never listens:
 * Tracewright accepts the connections on 127.0.0.1 and each is served by a {@link WebThread} that
 * answers only requests carrying that session, for the console's own pages, and 404 to everything
 * else (no new session, no login form, no preferences, no tools).
 *
 * <p>This class lives in H2's package because the hook it needs, {@code WebApp.processRequest}, is
 * package-private: a change to it in a new H2 release fails this module's compilation (and its
 * tests), never silently.
 */
public final class GuardedConsole {
  /** The console's pages and calls, as H2's frame set uses them; logout, login, settings, admin and tools are not among them. */
  private static final Set<String> PAGES = Set.of(
      "frame.jsp", "header.jsp", "tables.do", "query.jsp", "query.do", "result.jsp", "help.jsp", "autoCompleteList.do", "getHistory.do");
  private static final String REFUSED = "tracewright-refused"; // no such resource: H2 answers 404

  private final WebServer server;
  private final String sessionId;

  private GuardedConsole(WebServer server, String sessionId) {
    this.server = server;
    this.sessionId = sessionId;
  }

  /** A console for {@code connection}; H2's server is configured but never opens a socket of its own. */
  public static GuardedConsole forConnection(Connection connection) throws SQLException {
    WebServer server = new WebServer();
    server.init("-webPort", "0");
    String url = server.addSession(connection);
    return new GuardedConsole(server, url.substring(url.indexOf("jsessionid=") + "jsessionid=".length()));
  }

  public String sessionId() {
    return sessionId;
  }

  /** Serves one accepted connection (its requests, kept alive) on a thread of its own. */
  public void serve(Socket socket) {
    new GuardedThread(socket, server, sessionId).start();
  }

  /** Closes the session (and with it the connection's use by the console). */
  public void close() {
    server.stop();
  }

  private static final class GuardedThread extends WebThread {
    private final String allowedSession;

    GuardedThread(Socket socket, WebServer server, String allowedSession) {
      super(socket, server);
      this.allowedSession = allowedSession;
    }

    @Override
    String processRequest(String file, NetworkConnectionInfo info) {
      if (isStaticResource(file)) {
        return super.processRequest(file, info);
      }
      boolean ours = session != null && allowedSession.equals(session.get("sessionId"));
      if (!ours || !PAGES.contains(file)) {
        session = null;
        cache = false;
        mimeType = "text/plain";
        return REFUSED;
      }
      return super.processRequest(file, info);
    }

    private static boolean isStaticResource(String file) {
      return file.matches("[a-zA-Z0-9_]+\\.(css|js|png|gif|ico)");
    }
  }
}
