package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.StatsReport;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.TraceQuery;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.TraceRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API over a real H2 file written by the runtime, called over HTTP as a page or a script would. */
@Timeout(120)
class ApiTest {
  static final int SPAN_CAP = 30;
  static final String SCRIPT = "<script>alert(1)</script>";
  static final String IMG = "<img src=x onerror=alert(1)>";
  static final ObjectMapper JSON = ApiClient.JSON;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final TracedCall.Site AGENT = TracedCall.site(ApiTest.class, "research", SpanKind.AGENT, "research").parameters("question");
  static final TracedCall.Site LLM = TracedCall.site(ApiTest.class, "chat", SpanKind.LLM, "chat").model("gpt-4o").provider("openai").parameters("prompt");

  @TempDir static Path dir;
  static Path db;
  static UiServer server;
  static String researchId;
  static String xssId;
  static String wideId;

  @BeforeAll
  static void recordAndServe() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    for (int i = 0; i < 205; i++) {
      try (ActiveSpan job = Tracewright.span("job-" + i, SpanKind.AGENT).start()) {
        job.output("done " + i);
      }
    }
    TracedCall root = AGENT.begin();
    root.input("why is the sky blue?");
    try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("query", "sky").start()) {
      tool.output("Rayleigh scattering");
      tool.event("retry", Map.of("attempt", 1));
    }
    TracedCall llm = LLM.begin();
    llm.input("summarize");
    Tracewright.current().tokens(1200, 300);
    llm.returned("The sky is blue because of Rayleigh scattering.");
    researchId = Tracewright.current().traceId();
    root.returned("blue");

    try (ActiveSpan page = Tracewright.span("fetch page", SpanKind.TOOL).input("html", SCRIPT).start()) {
      page.output(IMG);
      xssId = Tracewright.current().traceId();
    }
    try (ActiveSpan wide = Tracewright.span("wide", SpanKind.AGENT).start()) {
      wideId = Tracewright.current().traceId();
      for (int i = 0; i < SPAN_CAP + 10; i++) {
        try (ActiveSpan step = Tracewright.span("retrieve", SpanKind.RETRIEVAL).start()) {
          step.output(i);
        }
      }
    }
    TracedCall failing = AGENT.begin();
    failing.input("crash please");
    failing.threw(new IllegalStateException("model unavailable"));
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    server = UiServer.start(db, 0, SPAN_CAP);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    Tracewright.shutdown();
  }

  static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return ApiClient.get(server, pathAndQuery);
  }

  static JsonNode json(String pathAndQuery) throws Exception {
    return ApiClient.json(server, pathAndQuery);
  }

  static List<String> names(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("traces").forEach(t -> out.add(t.get("name").asText()));
    return out;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void pagesFollowEachOtherNewestFirstWithoutGapsOrRepeatsInTheReadModelsOrder() throws Exception {
    List<String> expected;
    try (TraceDb traces = TraceDb.open(db)) {
      expected = traces.traces(TraceQuery.recent(1000)).stream().map(TraceRecord::traceId).toList();
    }
    assertEquals(209, expected.size());
    List<String> seen = new ArrayList<>();
    String query = "/api/traces?limit=37";
    int pages = 0;
    while (true) {
      JsonNode page = json(query);
      page.get("traces").forEach(t -> seen.add(t.get("traceId").asText()));
      pages++;
      JsonNode next = page.get("next");
      if (next.isNull()) {
        break;
      }
      query = "/api/traces?limit=37&before=" + enc(next.get("before").asText()) + "&beforeId=" + next.get("beforeId").asText();
    }
    assertEquals(expected, seen, "every trace once, in the CLI's order");
    assertEquals(6, pages);
    assertEquals(new HashSet<>(seen).size(), seen.size());
  }

  @Test
  void theLimitIsCappedAndDefaults() throws Exception {
    JsonNode big = json("/api/traces?limit=100000");
    assertEquals(TraceApi.MAX_LIMIT, big.get("traces").size());
    assertFalse(big.get("next").isNull());
    assertEquals(TraceApi.DEFAULT_LIMIT, json("/api/traces").get("traces").size());
  }

  @Test
  void rowsCarryTheRootsPreviewsAndContentSearchFindsAPhraseInAnySpan() throws Exception {
    JsonNode research = json("/api/traces?text=" + enc("RAYLEIGH scattering")).get("traces");
    assertEquals(1, research.size(), "the phrase is in the tool's and the model's outputs, any case");
    assertEquals(researchId, research.get(0).get("traceId").asText());
    assertEquals("{\"question\":\"why is the sky blue?\"}", research.get(0).get("inputPreview").asText());
    assertEquals("\"blue\"", research.get(0).get("outputPreview").asText());
    assertEquals(List.of(), names(json("/api/traces?text=" + enc("scattering Rayleigh"))), "both words, not the phrase");
    assertEquals(List.of("research"), names(json("/api/traces?text=" + enc("model unavailable"))), "an error message");
    JsonNode hostile = json("/api/traces?text=" + enc("onerror")).get("traces");
    assertEquals(xssId, hostile.get(0).get("traceId").asText());
    assertEquals("\"" + IMG + "\"", hostile.get(0).get("outputPreview").asText(), "as stored; the page shows it as text");
    List<String> nines = new ArrayList<>();
    for (int i = 99; i >= 90; i--) {
      nines.add("job-" + i);
    }
    nines.add("job-9");
    assertEquals(nines, names(json("/api/traces?text=" + enc("done 9"))), "a phrase is found inside longer text");
    assertEquals(List.of("job-95"), names(json("/api/traces?name=5&text=" + enc("done 9"))), "with the other filters");
    assertEquals(List.of(), names(json("/api/traces?status=failed&text=sky")));
    assertError("/api/traces?text=" + enc("?!"), 400, "no word to search for");
  }

  @Test
  void filtersByNameStatusModelTimeAndSpanText() throws Exception {
    List<String> seventeen = new ArrayList<>();
    for (int i = 179; i >= 170; i--) {
      seventeen.add("job-" + i);
    }
    seventeen.add("job-17");
    assertEquals(seventeen, names(json("/api/traces?name=JOB-17&limit=100")), "every name containing the text, any case, newest first");
    assertEquals(List.of("job-204"), names(json("/api/traces?name=b-204")));
    assertEquals(List.of("research"), names(json("/api/traces?status=failed")));
    assertEquals(List.of("research"), names(json("/api/traces?status=any_error")));
    assertEquals(List.of(), names(json("/api/traces?status=incomplete")));
    assertEquals(List.of("research"), names(json("/api/traces?model=gpt-4o")));
    JsonNode bySpan = json("/api/traces?q=" + enc("CH PAG"));
    assertEquals(List.of("fetch page"), names(bySpan), "any span's name, case-insensitive");
    assertEquals(xssId, bySpan.get("traces").get(0).get("traceId").asText());
    assertEquals(List.of("wide"), names(json("/api/traces?q=etriev")), "a child span's name finds its trace");
    assertEquals(List.of(), names(json("/api/traces?q=" + enc("%"))), "a wildcard is text");
    assertEquals(List.of(), names(json("/api/traces?since=2999-01-01")));
    assertEquals(List.of(), names(json("/api/traces?until=2000-01-01T00:00:00Z")));
    assertEquals(3, json("/api/traces?since=1h&limit=3").get("traces").size());

    JsonNode research = json("/api/traces?model=gpt-4o").get("traces").get(0);
    assertEquals("OK", research.get("status").asText());
    assertFalse(research.get("running").asBoolean());
    assertEquals(3, research.get("spanCount").asInt());
    assertEquals(1500, research.get("inputTokens").asLong() + research.get("outputTokens").asLong());
    assertEquals(0.006, research.get("costUsd").asDouble(), 1e-9);
  }

  @Test
  void aBadParameterIs400WithAClearMessage() throws Exception {
    assertError("/api/traces?limit=many", 400, "limit must be a whole number");
    assertError("/api/traces?limit=0", 400, "limit must be a whole number");
    assertError("/api/traces?status=broken", 400, "status must be all, failed, any_error or incomplete");
    assertError("/api/traces?since=someday", 400, "'someday' is not a time");
    assertError("/api/traces?before=2026-01-01T00:00:00Z", 400, "before and beforeId go together");
    assertError("/api/traces?before=yesterday&beforeId=" + "a".repeat(32), 400, "before must be an ISO-8601 time");
    assertError("/api/traces?beforeId=xyz", 400, "beforeId must be a trace ID");
    assertError("/api/traces?colour=red", 400, "unknown parameter 'colour'");
    assertError("/api/traces?name=a&name=b", 400, "given more than once");
    assertTrue(status(raw("GET", "/api/traces?name=%zz", "127.0.0.1:" + server.port(), "")).startsWith("HTTP/1.1 400"));
    assertError("/api/traces/xyz", 400, "is not a trace ID");
    assertError("/api/content/abc", 400, "is not a content hash");
    assertError("/api/stats?since=never", 400, "'never' is not a time");
    assertError("/api/nothing", 404, "no such endpoint");
  }

  static JsonNode assertError(String path, int status, String message) throws Exception {
    HttpResponse<String> r = get(path);
    assertEquals(status, r.statusCode(), path + " -> " + r.body());
    assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
    JsonNode body = JSON.readTree(r.body());
    assertTrue(body.get("error").asText().contains(message), path + " -> " + r.body());
    assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), "no stack trace: " + r.body());
    return body;
  }

  @Test
  void oneTraceByPrefixWithSpansEventsAndPreviewsButNoContent() throws Exception {
    JsonNode t = json("/api/traces/" + researchId.substring(0, 16));
    assertEquals(researchId, t.get("trace").get("traceId").asText());
    assertEquals("research", t.get("trace").get("name").asText());
    assertFalse(t.get("truncated").asBoolean());
    List<String> spans = new ArrayList<>();
    t.get("spans").forEach(s -> spans.add(s.get("name").asText()));
    assertEquals(List.of("research", "search", "chat"), spans);
    JsonNode chat = t.get("spans").get(2);
    assertEquals("LLM", chat.get("kind").asText());
    assertEquals("gpt-4o", chat.get("model").asText());
    assertEquals(1200, chat.get("inputTokens").asLong());
    assertEquals(t.get("spans").get(0).get("spanId").asText(), chat.get("parentSpanId").asText());
    assertTrue(chat.get("outputPreview").asText().contains("Rayleigh"), chat.toString());
    assertEquals(64, chat.get("inputRef").asText().length());
    assertEquals("FULL_LOCAL", chat.get("capturePolicy").asText());
    assertFalse(t.toString().contains("\"content\""), "no blob content in a trace");
    JsonNode retry = t.get("events").get(0);
    assertEquals("retry", retry.get("name").asText());
    assertEquals(1, retry.get("attributes").get("attempt").asInt());
    assertEquals(t.get("spans").get(1).get("spanId").asText(), retry.get("spanId").asText());

    assertError("/api/traces/" + "f".repeat(32), 404, "no trace with ID starting");
    assertEquals(researchId, json("/api/traces/" + researchId.toUpperCase()).get("trace").get("traceId").asText());
  }

  @Test
  void anAmbiguousPrefixIs400() throws Exception {
    String prefix = researchId.substring(0, 1);
    HttpResponse<String> r = get("/api/traces/" + prefix);
    assertEquals(400, r.statusCode(), "209 traces recorded within seconds share their first hex digit: " + r.body());
    assertTrue(r.body().contains("matches several traces"), r.body());
  }

  @Test
  void aSpansCapturedContentComesFromTheBlobStore() throws Exception {
    JsonNode chat = json("/api/traces/" + researchId).get("spans").get(2);
    JsonNode input = json("/api/content/" + chat.get("inputRef").asText());
    assertEquals(chat.get("inputRef").asText(), input.get("hash").asText());
    assertTrue(input.get("content").asText().contains("summarize"), input.toString());
    assertFalse(input.get("truncated").asBoolean());
    JsonNode output = json("/api/content/" + chat.get("outputRef").asText());
    assertEquals("\"The sky is blue because of Rayleigh scattering.\"", output.get("content").asText());
    assertError("/api/content/" + "0".repeat(64), 404, "no content with hash");
  }

  @Test
  void untrustedContentIsJsonStringDataNeverMarkup() throws Exception {
    JsonNode page = json("/api/traces/" + xssId).get("spans").get(0);
    assertTrue(page.get("inputPreview").asText().contains(SCRIPT), page.toString());
    assertTrue(page.get("outputPreview").asText().contains(IMG), page.toString());
    for (String ref : List.of(page.get("inputRef").asText(), page.get("outputRef").asText())) {
      HttpResponse<String> r = get("/api/content/" + ref);
      assertEquals(200, r.statusCode());
      assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
      assertFalse(r.body().contains("<"), "no markup even as raw bytes: " + r.body());
      String content = JSON.readTree(r.body()).get("content").asText();
      assertTrue(content.contains(SCRIPT) || content.contains(IMG), content);
    }
    HttpResponse<String> trace = get("/api/traces/" + xssId);
    assertFalse(trace.body().contains("<script") || trace.body().contains("<img"), trace.body());
  }

  @Test
  void statsAreTheStatsReportOfTheSameWindow() throws Exception {
    Instant since = Instant.now().minusSeconds(3600);
    for (String query : List.of("", "?since=" + enc(since.toString()))) {
      StatsReport expected;
      try (TraceDb traces = TraceDb.open(db)) {
        expected = StatsReport.compute(traces, query.isEmpty() ? null : since);
      }
      JsonNode stats = json("/api/stats" + query);
      assertFalse(stats.get("truncated").asBoolean());
      assertRows(expected.byTrace(), stats.get("byTrace"));
      assertRows(expected.byModel(), stats.get("byModel"));
      assertRows(expected.bySpanName(), stats.get("bySpanName"));
    }
    JsonNode future = json("/api/stats?since=2999-01-01");
    assertEquals(0, future.get("bySpanName").size());
  }

  @Test
  void statsSeriesSumsTheWindowsSpansIntoAtMostSixtyRoundBuckets() throws Exception {
    for (String query : List.of("", "?since=" + enc(Instant.now().minusSeconds(3600).toString()))) {
      JsonNode stats = json("/api/stats" + query);
      JsonNode series = stats.get("series");
      long spans = 0;
      long in = 0;
      long out = 0;
      for (JsonNode row : stats.get("bySpanName")) {
        spans += row.get("count").asLong();
        in += row.get("inputTokens").asLong();
        out += row.get("outputTokens").asLong();
      }
      long seriesSpans = 0;
      long seriesIn = 0;
      long seriesOut = 0;
      long width = series.get("bucketMs").asLong();
      Instant from = Instant.parse(series.get("from").asText());
      for (JsonNode bucket : series.get("buckets")) {
        seriesSpans += bucket.get("spans").asLong();
        seriesIn += bucket.get("inputTokens").asLong();
        seriesOut += bucket.get("outputTokens").asLong();
        long offset = Instant.parse(bucket.get("start").asText()).toEpochMilli() - from.toEpochMilli();
        assertEquals(0, offset % width, "a bucket starts on the grid: " + bucket);
      }
      assertTrue(series.get("buckets").size() <= StatsSeries.MAX_BUCKETS);
      assertEquals(spans, seriesSpans, query);
      assertEquals(in, seriesIn, query);
      assertEquals(out, seriesOut, query);
    }
    JsonNode empty = json("/api/stats?since=2999-01-01").get("series");
    assertEquals(0, empty.get("buckets").size());
  }

  @Test
  void bucketWidthsAreRoundAndCoverTheWindowInSixty() {
    assertEquals(1_000, StatsSeries.bucketMs(java.time.Duration.ZERO));
    assertEquals(60_000, StatsSeries.bucketMs(java.time.Duration.ofMinutes(30)));
    assertEquals(60_000, StatsSeries.bucketMs(java.time.Duration.ofHours(1)));
    assertEquals(300_000, StatsSeries.bucketMs(java.time.Duration.ofMinutes(61)));
    assertEquals(3_600_000, StatsSeries.bucketMs(java.time.Duration.ofDays(2)));
    assertEquals(43_200_000, StatsSeries.bucketMs(java.time.Duration.ofDays(30)));
    assertEquals(86_400_000, StatsSeries.bucketMs(java.time.Duration.ofDays(31)));
    long years = StatsSeries.bucketMs(java.time.Duration.ofDays(3650));
    assertEquals(0, years % 604_800_000L);
    assertTrue(java.time.Duration.ofDays(3650).toMillis() / years <= StatsSeries.MAX_BUCKETS);
  }

  private static void assertRows(List<StatsReport.Row> expected, JsonNode actual) {
    assertEquals(expected.size(), actual.size());
    assertFalse(expected.isEmpty());
    for (int i = 0; i < expected.size(); i++) {
      StatsReport.Row e = expected.get(i);
      JsonNode a = actual.get(i);
      assertEquals(e.key(), a.get("key").asText());
      assertEquals(e.count(), a.get("count").asLong());
      assertEquals(e.p50Ms(), a.get("p50Ms").asDouble());
      assertEquals(e.p95Ms(), a.get("p95Ms").asDouble());
      assertEquals(e.inputTokens(), a.get("inputTokens").asLong());
      assertEquals(e.outputTokens(), a.get("outputTokens").asLong());
      assertEquals(e.costUsd(), a.get("costUsd").isNull() ? null : a.get("costUsd").asDouble());
      assertEquals(e.errors(), a.get("errors").asLong());
      assertEquals(e.errorRate(), a.get("errorRate").asDouble());
    }
  }

  @Test
  void aTraceWithMoreSpansThanTheCapComesAsRowsAndEveryRowCanBeReached() throws Exception {
    JsonNode wide = json("/api/traces/" + wideId);
    assertEquals(SPAN_CAP + 11, wide.get("trace").get("spanCount").asInt());
    assertTrue(wide.get("ranged").asBoolean(), "too many spans for one answer: the page asks for rows");
    assertEquals(0, wide.get("spans").size());
    assertEquals("/api/traces/" + wideId + "/rows", wide.get("rows").asText());
    JsonNode first = json("/api/traces/" + wideId + "/rows?from=0&limit=" + SPAN_CAP);
    JsonNode rest = json("/api/traces/" + wideId + "/rows?from=" + SPAN_CAP + "&limit=" + SPAN_CAP);
    assertEquals(SPAN_CAP + 11, first.get("total").asInt());
    assertEquals(SPAN_CAP, first.get("rows").size());
    assertEquals(11, rest.get("rows").size(), "the rows past the cap are there too");
    JsonNode root = first.get("rows").get(0);
    assertEquals("wide", root.get("span").get("name").asText(), "depth-first: the root first");
    assertEquals(0, root.get("depth").asInt());
    assertEquals(SPAN_CAP + 11, root.get("size").asInt(), "the root's subtree is the whole trace");
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (JsonNode page : List.of(first, rest)) {
      for (JsonNode r : page.get("rows")) {
        assertTrue(ids.add(r.get("span").get("spanId").asText()), "each span once");
      }
    }
    assertEquals(SPAN_CAP + 11, ids.size());
    assertError("/api/traces/" + wideId + "/rows?from=-1", 400, "from must be a whole number");
  }

  @Test
  void aDatabaseGoneIs503UntilItIsBack() throws Exception {
    Path file = H2Store.dataFile(db);
    Path aside = file.resolveSibling("moved-away");
    java.nio.file.Files.move(file, aside);
    try {
      assertError("/api/traces", 503, "no trace database at");
      assertError("/api/stats", 503, "no trace database at");
    } finally {
      java.nio.file.Files.move(aside, file);
    }
    assertEquals(TraceApi.DEFAULT_LIMIT, json("/api/traces").get("traces").size(), "the next request reads it again");
  }

  @Test
  void headAnswersWithoutABody() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/traces"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("", r.body());
    assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
  }

  /** A request with chosen method and Host header (java.net.http will not send a foreign Host). */
  static String raw(String method, String path, String host, String extraHeaders) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      String hostLine = host == null ? "" : "Host: " + host + "\r\n";
      out.write((method + " " + path + " HTTP/1.1\r\n" + hostLine + extraHeaders + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String status(String response) {
    return response.lines().findFirst().orElse("");
  }

  @Test
  void answersOnlyItsOwnHostNames() throws Exception {
    int port = server.port();
    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
      String r = raw("GET", "/api/traces?limit=1", host, "");
      assertTrue(status(r).startsWith("HTTP/1.1 200"), host + " -> " + status(r));
      assertTrue(r.contains("traceId"));
    }
    for (String host : List.of("evil.example.com", "evil.example.com:" + port, "127.0.0.1", "127.0.0.1:" + (port + 1), "localhost",
        "127.0.0.1.nip.io:" + port, "0.0.0.0:" + port)) {
      for (String path : List.of("/api/traces", "/api/traces/" + researchId, "/api/stats", "/")) {
        String r = raw("GET", path, host, "");
        assertTrue(status(r).startsWith("HTTP/1.1 403"), host + " " + path + " -> " + status(r));
        assertFalse(r.contains("traceId") || r.contains("research") || r.contains("Tracewright"), "no data for " + host + ": " + r);
      }
    }
    String absolute = raw("GET", "http://evil.example.com/api/traces", "127.0.0.1:" + port, "");
    assertTrue(status(absolute).startsWith("HTTP/1.1 403"), "an absolute target naming another host: " + status(absolute));
    assertFalse(absolute.contains("traceId"));
    String ours = raw("GET", "http://localhost:" + port + "/api/traces?limit=1", "127.0.0.1:" + port, "");
    assertTrue(status(ours).startsWith("HTTP/1.1 200"), status(ours));
    String noHost = raw("GET", "/api/traces", null, "");
    assertTrue(status(noHost).startsWith("HTTP/1.1 403") || status(noHost).startsWith("HTTP/1.1 400"), status(noHost));
    assertFalse(noHost.contains("traceId"));
    String twoHosts = raw("GET", "/api/traces", "127.0.0.1:" + port, "Host: evil.example.com\r\n");
    assertTrue(status(twoHosts).startsWith("HTTP/1.1 403") || status(twoHosts).startsWith("HTTP/1.1 400"), status(twoHosts));
    assertFalse(twoHosts.contains("traceId"));
  }

  @Test
  void noCorsHeadersEvenWhenAnotherOriginAsks() throws Exception {
    String host = "127.0.0.1:" + server.port();
    for (String path : List.of("/api/traces", "/api/stats", "/", "/api/traces/" + researchId)) {
      String r = raw("GET", path, host, "Origin: http://evil.example.com\r\n");
      assertTrue(status(r).startsWith("HTTP/1.1 200"), status(r));
      assertFalse(r.toLowerCase(java.util.Locale.ROOT).contains("access-control-"), r);
    }
    String preflight = raw("OPTIONS", "/api/traces", host, "Origin: http://evil.example.com\r\nAccess-Control-Request-Method: GET\r\n");
    assertTrue(status(preflight).startsWith("HTTP/1.1 405"), status(preflight));
    assertFalse(preflight.toLowerCase(java.util.Locale.ROOT).contains("access-control-"), preflight);
  }

  @Test
  void onlyGetAndHead() throws Exception {
    String host = "127.0.0.1:" + server.port();
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "TRACE")) {
      for (String path : List.of("/api/traces", "/", "/api/traces/" + researchId)) {
        String r = raw(method, path, host, "Content-Length: 0\r\n");
        assertTrue(status(r).startsWith("HTTP/1.1 405"), method + " " + path + " -> " + status(r));
        assertTrue(r.contains("Allow: GET, HEAD"), r);
        assertFalse(r.contains("traceId"));
      }
    }
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/traces"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertTrue(JSON.readTree(post.body()).get("error").asText().contains("only GET and HEAD"));
  }

  @Test
  void servesItsPageWithAStrictPolicyAndNothingOutsideItsAssets() throws Exception {
    HttpResponse<String> index = get("/");
    assertEquals(200, index.statusCode());
    assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElse(null));
    assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
    assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElse(null));
    assertFalse(index.headers().firstValue("Content-Security-Policy").orElse("").contains("unsafe-inline"));
    assertTrue(index.body().contains("src=\"/assets/traces.js\""), index.body());
    assertFalse(java.util.regex.Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(index.body()).find(), "no inline script: " + index.body());
    for (String page : List.of("/trace", "/trace/" + researchId, "/trace/" + researchId.substring(0, 8), "/compare", "/stats")) {
      HttpResponse<String> r = get(page);
      assertEquals(200, r.statusCode(), page);
      assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null), page);
      assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"), page);
    }
    for (String notAPage : List.of("/trace/xyz", "/trace/" + researchId + "0", "/trace/", "/stats/", "/compare/x")) {
      assertEquals(404, get(notAPage).statusCode(), notAPage);
    }
    HttpResponse<String> js = get("/assets/trace-view.js");
    assertEquals(200, js.statusCode());
    assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElse(null));
    HttpResponse<String> css = get("/assets/tracewright.css");
    assertEquals(200, css.statusCode());
    assertEquals("text/css; charset=utf-8", css.headers().firstValue("Content-Type").orElse(null));
    assertEquals("nosniff", css.headers().firstValue("X-Content-Type-Options").orElse(null));
    assertEquals(404, get("/assets/missing.css").statusCode());

    String host = "127.0.0.1:" + server.port();
    List<String> outside = List.of(
        "/assets/../index.html",
        "/assets/..%2f..%2fversion.properties",
        "/assets/%252e%252e/index.html",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/assets/",
        "/assets",
        "/assets/.hidden.css",
        "/dev/tracewright/cli/version.properties",
        "/version.properties",
        "/assets/dev/tracewright/cli/TraceDb.class",
        "/assets/x.class",
        "http://127.0.0.1:" + server.port() + "/assets/%2e%2e/index.html");
    for (String path : outside) {
      String r = raw("GET", path, host, "");
      assertTrue(status(r).startsWith("HTTP/1.1 404"), path + " -> " + status(r));
      assertFalse(r.contains("version=") || r.contains("root:") || r.contains("<html"), path + " -> " + r);
    }
    // A path whose ".." climbs above "/" is refused by the HTTP server before it is read: 400, the API's JSON.
    List<String> aboveTheRoot = List.of(
        "/assets/../../version.properties",
        "/assets/%2e%2e/%2e%2e/version.properties",
        "/../../../../etc/passwd",
        "/index.html/../../version.properties",
        "http://127.0.0.1:" + server.port() + "/../version.properties");
    for (String path : aboveTheRoot) {
      String r = raw("GET", path, host, "");
      assertTrue(status(r).startsWith("HTTP/1.1 400"), path + " -> " + status(r));
      assertTrue(r.contains("Content-Type: application/json; charset=utf-8") && r.contains("{\"error\":"), path + " -> " + r);
      assertFalse(r.contains("version=") || r.contains("root:") || r.contains("<html"), path + " -> " + r);
    }
    String backslash = raw("GET", "/assets/..\\..\\version.properties", host, "");
    assertTrue(status(backslash).startsWith("HTTP/1.1 400"), "not a URI, refused by the HTTP server itself: " + status(backslash));
    assertFalse(backslash.contains("version="));
    String file = raw("GET", "file:///etc/passwd", host, "");
    assertTrue(status(file).startsWith("HTTP/1.1 403"), "a target naming no host of ours: " + status(file));
    assertFalse(file.contains("root:"));
  }

  @Test
  void listensOnLoopbackOnly() throws Exception {
    assertEquals("127.0.0.1", URI.create(server.url()).getHost());
    List<String> addresses = dev.tracewright.runtime.store.ListeningSockets.addresses(server.port());
    assertFalse(addresses.isEmpty());
    for (String address : addresses) {
      assertTrue(dev.tracewright.runtime.store.ListeningSockets.isLoopback(address), "listening on " + address);
    }
    assertNotNull(server.url());
  }
}
