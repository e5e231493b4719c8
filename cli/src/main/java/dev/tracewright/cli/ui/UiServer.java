package dev.tracewright.cli.ui;

import dev.tracewright.cli.CliException;
import dev.tracewright.cli.http.HttpLimits;
import dev.tracewright.cli.http.JettyServers;
import dev.tracewright.runtime.store.LoopbackOnly;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;

/**
 * {@code tracewright ui}: the trace explorer's pages and its JSON API on 127.0.0.1, read-only
 * ({@link UiHandler} answers, {@link UiErrors} what Jetty refuses first). Slow or half-sent requests
 * are dropped after {@link HttpLimits#headerTimeout()} and hold no thread meanwhile.
 */
public final class UiServer implements AutoCloseable {
  private static final byte[] LOOPBACK = {127, 0, 0, 1};

  private final Server server;

  private UiServer(Server server) {
    this.server = server;
  }

  /** Serves the database at {@code path} on 127.0.0.1:{@code port} (0: any free port). */
  public static UiServer start(Path path, int port) {
    return start(path, port, TraceApi.MAX_SPANS);
  }

  /** As {@link #start(Path, int)}, pricing calls recorded without a cost with {@code pricing}. */
  public static UiServer start(Path path, int port, dev.tracewright.runtime.capture.PricingTable pricing) {
    return start(path, port, TraceApi.MAX_SPANS, HttpLimits.DEFAULT, pricing);
  }

  static UiServer start(Path path, int port, int maxSpans) {
    return start(path, port, maxSpans, HttpLimits.DEFAULT);
  }

  static UiServer start(Path path, int port, int maxSpans, HttpLimits limits) {
    return start(path, port, maxSpans, limits, dev.tracewright.runtime.capture.PricingTable.bundled());
  }

  static UiServer start(Path path, int port, int maxSpans, HttpLimits limits, dev.tracewright.runtime.capture.PricingTable pricing) {
    LoopbackOnly.ensure();
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be between 0 and 65535, not " + port);
    }
    TraceReads db = new TraceReads(path, pricing);
    Server server = JettyServers.build("tracewright-ui", loopback(), port, limits, new UiHandler(new TraceApi(db, maxSpans)), new UiErrors());
    HttpConfiguration http = JettyServers.httpConfiguration(server);
    // The handler reads the target as sent and refuses what is not a plain URI path (400), or names a
    // path outside the UI's files (404): Jetty's own refusal of ambiguous paths would answer first, as
    // an error without the API's body. An absolute target naming another host is the handler's 403.
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.setHttpCompliance(HttpCompliance.RFC9110.with("tracewright-ui", HttpCompliance.Violation.MISMATCHED_AUTHORITY));
    try {
      server.start();
    } catch (Exception e) {
      stop(server);
      throw new CliException("cannot serve the UI on 127.0.0.1:" + port + ": " + rootMessage(e));
    }
    return new UiServer(server);
  }

  /**
   * The UI's pages and JSON API for the store at {@code path}, to mount in another server (the team
   * server serves them beside its ingest). Its requests must carry the loopback Host checks of
   * {@link #start}: configure the connector with {@link #configure}.
   */
  public static org.eclipse.jetty.server.Handler handler(Path path, dev.tracewright.runtime.capture.PricingTable pricing) {
    return new UiHandler(new TraceApi(new TraceReads(path, pricing), TraceApi.MAX_SPANS));
  }

  /** What Jetty refuses before any handler runs, answered as the UI does. */
  public static org.eclipse.jetty.server.Request.Handler errors() {
    return new UiErrors();
  }

  /** The connector settings the UI's handler relies on (it judges targets and hosts itself). */
  public static void configure(Server server) {
    HttpConfiguration http = JettyServers.httpConfiguration(server);
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.setHttpCompliance(HttpCompliance.RFC9110.with("tracewright-ui", HttpCompliance.Violation.MISMATCHED_AUTHORITY));
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(LOOPBACK);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  public int port() {
    return JettyServers.port(server);
  }

  public String url() {
    return "http://127.0.0.1:" + port() + "/";
  }

  @Override
  public void close() {
    stop(server);
  }

  private static void stop(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping: nothing left to serve, nothing to tell
    }
  }
}
