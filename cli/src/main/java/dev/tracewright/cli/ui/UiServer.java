package dev.tracewright.cli.ui;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tracewright.cli.CliException;
import dev.tracewright.runtime.store.LoopbackOnly;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code tracewright ui}: the trace explorer's pages and its JSON API on 127.0.0.1, read-only. It
 * answers only requests addressed to 127.0.0.1, localhost or [::1] on its own port (a page on another
 * site that rebinds its DNS name to 127.0.0.1 gets 403), only GET and HEAD, never with CORS headers.
 */
public final class UiServer implements AutoCloseable {
  private static final byte[] LOOPBACK = {127, 0, 0, 1};
  private static final String HTML_POLICY =
      "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  private static final String DATA_POLICY = "default-src 'none'; frame-ancestors 'none'";

  private final HttpServer server;
  private final ExecutorService workers;
  private final TraceApi api;
  private final StaticAssets assets = new StaticAssets();
  private final Set<String> hosts;

  private UiServer(HttpServer server, TraceReads db, int maxSpans) {
    this.server = server;
    this.api = new TraceApi(db, maxSpans);
    int port = server.getAddress().getPort();
    this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
    this.workers = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "tracewright-ui");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(workers);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves the database at {@code path} on 127.0.0.1:{@code port} (0: any free port). */
  public static UiServer start(Path path, int port) {
    return start(path, port, TraceApi.MAX_SPANS);
  }

  static UiServer start(Path path, int port, int maxSpans) {
    LoopbackOnly.ensure();
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be between 0 and 65535, not " + port);
    }
    TraceReads db = new TraceReads(path);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), port), 0);
      return new UiServer(server, db, maxSpans);
    } catch (IOException e) {
      throw new CliException("cannot serve the UI on 127.0.0.1:" + port + ": " + e.getMessage());
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port() + "/";
  }

  private void handle(HttpExchange exchange) {
    try {
      Headers out = exchange.getResponseHeaders();
      out.set("X-Content-Type-Options", "nosniff");
      out.set("X-Frame-Options", "DENY");
      out.set("Referrer-Policy", "no-referrer");
      out.set("Cache-Control", "no-store");
      out.set("Content-Security-Policy", DATA_POLICY);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      if (!addressedToUs(exchange.getRequestHeaders().get("Host"), targetAuthority(exchange.getRequestURI()))) {
        send(exchange, 403, "text/plain; charset=utf-8", "forbidden: this server answers only 127.0.0.1, localhost or [::1] on its port\n"
            .getBytes(StandardCharsets.UTF_8), head);
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      boolean isApi = path != null && path.startsWith("/api/");
      if (!head && !"GET".equals(exchange.getRequestMethod())) {
        out.set("Allow", "GET, HEAD");
        sendError(exchange, 405, "only GET and HEAD: the UI reads, it never changes the database", isApi, false);
        return;
      }
      if (isApi) {
        answerApi(exchange, path.substring("/api".length()), head);
      } else {
        serveAsset(exchange, path, head);
      }
    } catch (IOException e) {
      // the browser went away: nothing to tell it
    } finally {
      exchange.close();
    }
  }

  /** An absolute-form request target's host and port ({@code GET http://host:port/path}), else null. */
  private static String targetAuthority(java.net.URI target) {
    return target.getScheme() == null ? null : String.valueOf(target.getRawAuthority());
  }

  /** The Host header, and the authority of an absolute request target (which takes precedence over it), name us. */
  private boolean addressedToUs(List<String> host, String targetAuthority) {
    return host != null && host.size() == 1 && hosts.contains(host.get(0).trim().toLowerCase(Locale.ROOT))
        && (targetAuthority == null || hosts.contains(targetAuthority.toLowerCase(Locale.ROOT)));
  }

  private void answerApi(HttpExchange exchange, String path, boolean head) throws IOException {
    byte[] body;
    try {
      body = Json.bytes(api.answer(path, exchange.getRequestURI().getRawQuery()));
    } catch (ApiError e) {
      sendError(exchange, e.status, e.getMessage(), true, head);
      return;
    } catch (RuntimeException e) {
      sendError(exchange, 500, "internal error: " + e.getClass().getSimpleName(), true, head);
      return;
    }
    send(exchange, 200, "application/json; charset=utf-8", body, head);
  }

  private void serveAsset(HttpExchange exchange, String path, boolean head) throws IOException {
    StaticAssets.Asset asset = assets.find(path);
    if (asset == null) {
      sendError(exchange, 404, "not found", false, head);
      return;
    }
    if (asset.isHtml()) {
      exchange.getResponseHeaders().set("Content-Security-Policy", HTML_POLICY);
    }
    send(exchange, 200, asset.contentType(), asset.body(), head);
  }

  private static void sendError(HttpExchange exchange, int status, String message, boolean json, boolean head) throws IOException {
    if (json) {
      send(exchange, status, "application/json; charset=utf-8", Json.bytes(Map.of("error", message)), head);
    } else {
      send(exchange, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), head);
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body, boolean head) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (head) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
