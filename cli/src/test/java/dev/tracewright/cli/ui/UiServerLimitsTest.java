package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.http.HttpLimits;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI server against clients that misbehave: half-sent requests, headers sent a byte at a time,
 * malformed targets and oversized headers. Timeouts are set low here (a second) so the test need not
 * wait out the real ones.
 */
@Timeout(120)
class UiServerLimitsTest {
  static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

  @TempDir static Path dir;
  static UiServer server;
  static String host;

  @BeforeAll
  static void recordAndServe() {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    try (ActiveSpan job = Tracewright.span("job", SpanKind.AGENT).start()) {
      job.output("done");
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    server = UiServer.start(db, 0, TraceApi.MAX_SPANS, HttpLimits.DEFAULT.withTimeouts(HEADER_TIMEOUT, IDLE_TIMEOUT));
    host = "127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    Tracewright.shutdown();
  }

  /** The attack the harness found: a few connections that send half a request and never finish it. */
  @Test
  void halfSentRequestsNeitherHoldUpOthersNorStayOpen() throws Exception {
    List<Socket> halfOpen = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        halfOpen.add(s);
      }
      long sent = System.nanoTime();

      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
          HttpRequest.newBuilder(URI.create(server.url() + "api/traces?limit=1")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(1, ApiClient.JSON.readTree(r.body()).get("traces").size(), r.body());

      for (Socket s : halfOpen) {
        assertTrue(closedByServerWithin(s, Duration.ofSeconds(10)), "a half-sent request is dropped after the header timeout");
      }
      long waited = Duration.ofNanos(System.nanoTime() - sent).toMillis();
      assertTrue(waited < 8_000, "dropped after about " + HEADER_TIMEOUT + ", not " + waited + " ms");
    } finally {
      for (Socket s : halfOpen) {
        s.close();
      }
    }
  }

  /** A client that keeps the connection busy with a header line now and then never completes: the header deadline still ends it. */
  @Test
  void headersSentSlowlyAreCutOffAtTheHeaderTimeoutThoughTheConnectionIsNeverIdle() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      s.setSoTimeout(250);
      long start = System.nanoTime();
      out.write(("GET /api/traces HTTP/1.1\r\nHost: " + host + "\r\n").getBytes(StandardCharsets.US_ASCII));
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) { // at most ~10 s
        try {
          out.write(("X-Slow-" + i + ": x\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          int b = in.read();
          assertTrue(b < 0, "cut off without an answer, not with a 500 (" + (char) b + "...)");
          closed = true;
        } catch (SocketTimeoutException e) {
          // still open: send the next line
        } catch (IOException e) {
          closed = true; // reset by the server
        }
      }
      long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertTrue(closed, "still open after " + took + " ms of headers sent slowly");
      assertTrue(took < 6_000, "closed after " + took + " ms; the header timeout is " + HEADER_TIMEOUT);
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      assertTrue(closedByServerWithin(s, Duration.ofSeconds(10)));
    }
  }

  @Test
  void aKeptAliveConnectionStillServesRequestsInTime() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      for (int i = 0; i < 3; i++) {
        s.getOutputStream().write(("GET /api/traces?limit=1 HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = readHead(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        int length = Integer.parseInt(header(head, "Content-Length"));
        assertEquals(length, s.getInputStream().readNBytes(length).length);
        Thread.sleep(HEADER_TIMEOUT.toMillis() / 2);
      }
    }
  }

  /** A bare or bad percent, or a target that is not a URI: 400 with the API's {"error": ...} under /api/, text elsewhere. */
  @Test
  void malformedTargetsAre400JsonUnderApiAndTextElsewhere() throws Exception {
    for (String target : List.of("/api/traces?q=%", "/api/traces?name=%", "/api/traces?name=%zz", "/api/traces?name=%4", "/api/traces/%zz",
        "/api/traces?name=<script>", "/api/traces\\..\\x", "/api/traces?name=a\"b", "/api/%")) {
      String r = raw("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
      assertEquals("HTTP/1.1 400", status(r), target + " -> " + r);
      assertJsonError(r, target);
    }
    for (String target : List.of("/trace?id=%", "/stats\\x")) {
      String r = raw("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
      assertEquals("HTTP/1.1 400", status(r), target + " -> " + r);
      assertEquals("text/plain; charset=utf-8", header(r, "Content-Type"), target + " -> " + r);
      assertFalse(body(r).isBlank() || body(r).contains("<"), target + " -> " + r);
      assertSecurityHeaders(r, target);
    }
    // A bad escape in the path: Jetty refuses it before the handler, with no path to tell a page from the API.
    for (String target : List.of("/%zz", "/assets/%")) {
      String r = raw("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
      assertEquals("HTTP/1.1 400", status(r), target + " -> " + r);
      assertJsonError(r, target);
    }
    String notUtf8 = raw("GET /api/tr%ces HTTP/1.1\r\nHost: " + host + "\r\n");
    assertEquals("HTTP/1.1 404", status(notUtf8), "a well-formed escape, of a byte that is not UTF-8: no such endpoint -> " + notUtf8);
    assertJsonError(notUtf8, "/api/tr%ces");
    HttpResponse<String> viaClient = ApiClient.get(server, "/api/traces?name=%25");
    assertEquals(200, viaClient.statusCode(), "an encoded percent is a percent: " + viaClient.body());
  }

  /** What Jetty refuses before any handler runs is answered the same way. */
  @Test
  void requestsRefusedBeforeTheHandlerStillGetJsonUnderApi() throws Exception {
    String big = raw("GET /api/traces HTTP/1.1\r\nHost: " + host + "\r\nX-Big: " + "x".repeat(64 * 1024) + "\r\n");
    assertEquals("HTTP/1.1 431", status(big), big.lines().findFirst().orElse(""));
    assertJsonError(big, "oversized header");

    String longTarget = raw("GET /api/traces?name=" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: " + host + "\r\n");
    assertTrue(status(longTarget).equals("HTTP/1.1 414") || status(longTarget).equals("HTTP/1.1 431"), status(longTarget));
    assertJsonError(longTarget, "oversized target");

    String pageBig = raw("GET / HTTP/1.1\r\nHost: " + host + "\r\nX-Big: " + "x".repeat(64 * 1024) + "\r\n");
    assertEquals("HTTP/1.1 431", status(pageBig), pageBig.lines().findFirst().orElse(""));
    assertEquals("text/plain; charset=utf-8", header(pageBig, "Content-Type"), pageBig);

    String unknown = raw("FROB /api/traces HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n");
    assertEquals("HTTP/1.1 405", status(unknown), unknown);
    assertEquals("GET, HEAD", header(unknown, "Allow"), unknown);
    assertJsonError(unknown, "unknown method");

    String version = raw("GET /api/traces HTTP/7.3\r\nHost: " + host + "\r\n");
    assertTrue(status(version).startsWith("HTTP/1.1 4") || status(version).startsWith("HTTP/1.1 505"), version);
    assertFalse(version.contains("<html") || version.contains("traceId"), version);

    String duplicateLength = raw("GET /api/traces HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 1\r\nContent-Length: 2\r\n");
    assertEquals("HTTP/1.1 400", status(duplicateLength), duplicateLength);
    assertJsonError(duplicateLength, "two Content-Lengths");

    for (String garbage : List.of("G(T /api/traces HTTP/1.1\r\nHost: " + host + "\r\n", "GET /api/traces\u0001 HTTP/1.1\r\nHost: " + host + "\r\n",
        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\r\n")) {
      String r = raw(garbage);
      assertTrue(r.isEmpty() || status(r).startsWith("HTTP/1.1 4"), r);
      assertFalse(r.contains("<html") || r.contains("<h2") || r.contains("traceId"), "no HTML error page, no data: " + r);
    }
  }

  @Test
  void headOfABadRequestHasNoBody() throws Exception {
    String r = raw("HEAD /api/traces?name=% HTTP/1.1\r\nHost: " + host + "\r\n");
    assertEquals("HTTP/1.1 400", status(r), r);
    assertEquals("application/json; charset=utf-8", header(r, "Content-Type"), r);
    assertEquals("", body(r));
  }

  @Test
  void queryParamsRefuseBadPercentEncodingAsA400() {
    List<String> known = List.of("name");
    for (String query : List.of("name=%", "name=%zz", "name=%4", "name=a%", "%=x", "name=%%41", "na%me=x")) {
      ApiError e = assertThrows(ApiError.class, () -> QueryParams.parse(query, known), query);
      assertEquals(400, e.status, query);
      assertTrue(e.getMessage().contains("malformed query string"), query + " -> " + e.getMessage());
    }
    assertEquals("100%", QueryParams.parse("name=100%25", known).get("name"));
    assertEquals("a b", QueryParams.parse("name=a+b", known).get("name"));
    assertEquals("é", QueryParams.parse("name=%C3%A9", known).get("name"));
    assertNotNull(QueryParams.parse("name=%FF", known).get("name"), "a byte that is not UTF-8 decodes (to U+FFFD), it never throws");
  }

  private static void assertJsonError(String response, String what) throws IOException {
    assertEquals("application/json; charset=utf-8", header(response, "Content-Type"), what + " -> " + response);
    JsonNode error = ApiClient.JSON.readTree(body(response));
    assertTrue(error.hasNonNull("error") && !error.get("error").asText().isBlank(), what + " -> " + body(response));
    assertFalse(body(response).contains("<"), "no markup: " + body(response));
    assertSecurityHeaders(response, what);
  }

  private static void assertSecurityHeaders(String response, String what) {
    assertEquals("nosniff", header(response, "X-Content-Type-Options"), what + " -> " + response);
    assertEquals("DENY", header(response, "X-Frame-Options"), what + " -> " + response);
    assertEquals("no-store", header(response, "Cache-Control"), what + " -> " + response);
    assertEquals("default-src 'none'; frame-ancestors 'none'", header(response, "Content-Security-Policy"), what + " -> " + response);
    assertFalse(response.toLowerCase(Locale.ROOT).contains("access-control-"), response);
    assertEquals(null, header(response, "Server"), "no server banner: " + response);
  }

  /** Sends {@code head} (request line and headers, without the blank line) and reads the whole answer. */
  static String raw(String head) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      try {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.net.SocketException e) {
        return ""; // reset: the server dropped it
      }
    }
  }

  static String status(String response) {
    String line = response.lines().findFirst().orElse("");
    return line.length() >= 12 ? line.substring(0, 12) : line;
  }

  static String header(String response, String name) {
    int end = response.indexOf("\r\n\r\n");
    String head = end < 0 ? response : response.substring(0, end);
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  static String body(String response) {
    int end = response.indexOf("\r\n\r\n");
    return end < 0 ? "" : response.substring(end + 4);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** True when the server closes (or resets) the connection, without answering, before {@code within} has passed. */
  private static boolean closedByServerWithin(Socket s, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    s.setSoTimeout(250);
    while (System.nanoTime() < deadline) {
      try {
        int b = s.getInputStream().read();
        assertTrue(b < 0, "closed without an answer, not with a 500 (" + (char) b + "...)");
        return true;
      } catch (SocketTimeoutException e) {
        // not yet
      } catch (IOException e) {
        return true;
      }
    }
    return false;
  }
}
