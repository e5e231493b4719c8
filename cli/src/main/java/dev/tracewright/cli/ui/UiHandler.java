package dev.tracewright.cli.ui;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;

/**
 * The UI's requests: the pages and assets, and the JSON API under {@code /api/}. It answers only
 * requests addressed to 127.0.0.1, localhost or [::1] on its own port (a page on another site that
 * rebinds its DNS name to 127.0.0.1 gets 403), only GET and HEAD, never with CORS headers, and reads
 * the request target as sent: anything that is not a well-formed URI path and query is a 400.
 */
final class UiHandler extends Handler.Abstract {
  static final String HTML_POLICY =
      "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  static final String DATA_POLICY = "default-src 'none'; frame-ancestors 'none'";
  static final String JSON = "application/json; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";
  private static final Set<String> OUR_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

  private final TraceApi api;
  private final StaticAssets assets = new StaticAssets();

  UiHandler(TraceApi api) {
    this.api = api;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    securityHeaders(response);
    HttpURI target = request.getHttpURI();
    String path = target.getPath();
    boolean isApi = isApi(path);
    if (!wellFormed(path, target.getQuery())) {
      sendError(response, callback, 400, "malformed request target: not a URI path and query (a bare or bad % escape,"
          + " or a character that must be %-encoded)", isApi);
      return true;
    }
    if (!addressedToUs(request)) {
      send(response, callback, 403, TEXT, "forbidden: this server answers only 127.0.0.1, localhost or [::1] on its port\n"
          .getBytes(StandardCharsets.UTF_8));
      return true;
    }
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      sendError(response, callback, 405, "only GET and HEAD: the UI reads, it never changes the database", isApi);
      return true;
    }
    if (isApi) {
      answerApi(response, callback, path.substring("/api".length()), target.getQuery());
    } else {
      serveAsset(response, callback, path);
    }
    return true;
  }

  static boolean isApi(String rawPath) {
    return rawPath != null && rawPath.startsWith("/api/");
  }

  /** The headers of every answer, errors included. */
  static void securityHeaders(Response response) {
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("X-Frame-Options", "DENY");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("Content-Security-Policy", DATA_POLICY);
  }

  /**
   * The Host header, and the authority of the request target, name us. Jetty fills in the target's
   * authority from the Host header when the target is a path, so one check covers an absolute target
   * ({@code GET http://host:port/path}), which takes precedence over the header.
   */
  private static boolean addressedToUs(Request request) {
    int port = Request.getLocalPort(request);
    List<String> host = request.getHeaders().getValuesList(HttpHeader.HOST);
    if (host.size() != 1 || !ours(host.get(0).trim().toLowerCase(Locale.ROOT), port)) {
      return false;
    }
    HttpURI target = request.getHttpURI();
    if (target.getUser() != null || target.getHost() == null) {
      return false;
    }
    int targetPort = target.getPort() >= 0 ? target.getPort() : URIUtil.getDefaultPortForScheme(target.getScheme());
    return ours(bracketed(target.getHost().toLowerCase(Locale.ROOT)) + ":" + targetPort, port);
  }

  private static boolean ours(String authority, int port) {
    int colon = authority.lastIndexOf(':');
    return colon > 0 && authority.substring(colon + 1).equals(String.valueOf(port)) && OUR_HOSTS.contains(authority.substring(0, colon));
  }

  private static String bracketed(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /**
   * A path and query as RFC 3986 allows them (what the JDK's {@code URI} accepted, the UI's server
   * before Jetty): %-escapes of two hex digits, and no character that must be escaped. Non-ASCII
   * letters are let through as {@code URI} did.
   */
  static boolean wellFormed(String path, String query) {
    return path != null && path.startsWith("/") && wellFormed(path, false) && (query == null || wellFormed(query, true));
  }

  private static boolean wellFormed(String s, boolean query) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || !hex(s.charAt(i + 1)) || !hex(s.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (!allowed(c, query)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allowed(char c, boolean query) {
    if (c >= 0x80) {
      return !Character.isISOControl(c) && !Character.isSpaceChar(c);
    }
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0 || (query && c == '?');
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private void answerApi(Response response, Callback callback, String path, String rawQuery) {
    byte[] body;
    try {
      body = Json.bytes(api.answer(path, rawQuery));
    } catch (ApiError e) {
      sendError(response, callback, e.status, e.getMessage(), true);
      return;
    } catch (RuntimeException e) {
      sendError(response, callback, 500, "internal error: " + e.getClass().getSimpleName(), true);
      return;
    }
    send(response, callback, 200, JSON, body);
  }

  private void serveAsset(Response response, Callback callback, String path) {
    StaticAssets.Asset asset;
    try {
      asset = assets.find(path);
    } catch (IOException e) {
      sendError(response, callback, 500, "cannot read the UI's files: " + e.getMessage(), false);
      return;
    }
    if (asset == null) {
      sendError(response, callback, 404, "not found", false);
      return;
    }
    if (asset.isHtml()) {
      response.getHeaders().put("Content-Security-Policy", HTML_POLICY);
    }
    send(response, callback, 200, asset.contentType(), asset.body());
  }

  /** {@code {"error": message}} for the API, the message as a line of text elsewhere. */
  static void sendError(Response response, Callback callback, int status, String message, boolean json) {
    if (json) {
      send(response, callback, status, JSON, Json.bytes(Map.of("error", message)));
    } else {
      send(response, callback, status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The whole answer in one write; Jetty leaves the body out for HEAD and keeps its Content-Length. */
  static void send(Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
