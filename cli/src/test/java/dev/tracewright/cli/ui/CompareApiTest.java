package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.replay.RecordedContent;
import dev.tracewright.runtime.store.H2Store;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/compare} over real runs in a real H2 file, called over HTTP as the compare page does. */
@Timeout(120)
class CompareApiTest {
  static final int ROW_CAP = 30;
  static final String IMG = "<img src=x onerror=alert(1)>";
  static final ObjectMapper JSON = ApiClient.JSON;
  static final TracedCall.Site RESEARCH = TracedCall.site(CompareApiTest.class, "research", SpanKind.AGENT, "research").parameters("question");
  static final TracedCall.Site SEARCH = TracedCall.site(CompareApiTest.class, "search", SpanKind.TOOL, "search").parameters("query");
  static final TracedCall.Site CHAT = TracedCall.site(CompareApiTest.class, "chat", SpanKind.LLM, "chat").model("gpt-4o").provider("openai")
      .parameters("prompt");

  @TempDir static Path dir;
  static UiServer server;
  static String original;
  static String again;
  static String changed;
  static String wide;
  static String previewA;
  static String previewB;

  /** research > search, search, chat; the changed run adds a verify, answers the second search otherwise and fails the chat. */
  static String run(boolean changed) {
    TracedCall root = RESEARCH.begin();
    root.input("why is the sky blue?");
    String id = Tracewright.current().traceId();
    TracedCall s1 = SEARCH.begin();
    s1.input("sky");
    s1.returned("Rayleigh");
    if (changed) {
      try (ActiveSpan verify = Tracewright.span("verify", SpanKind.TOOL).start()) {
        verify.output(true);
      }
    }
    TracedCall s2 = SEARCH.begin();
    s2.input("sunset");
    s2.returned(changed ? IMG : "Mie");
    TracedCall chat = CHAT.begin();
    chat.input("summarize");
    Tracewright.current().tokens(1000, 200);
    if (changed) {
      chat.threw(new IllegalStateException("model unavailable"));
    } else {
      chat.returned("blue");
    }
    root.returned("blue");
    return id;
  }

  @BeforeAll
  static void recordAndServe() {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    original = run(false);
    again = run(false);
    changed = run(true);
    try (ActiveSpan root = Tracewright.span("wide", SpanKind.AGENT).start()) {
      wide = Tracewright.current().traceId();
      for (int i = 0; i < ROW_CAP + 10; i++) {
        try (ActiveSpan step = Tracewright.span("retrieve", SpanKind.RETRIEVAL).start()) {
          step.output(i);
        }
      }
    }
    previewA = previewOnly("sunny");
    previewB = previewOnly("rainy");
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    server = UiServer.start(db, 0, ROW_CAP);
  }

  /** A run whose one span keeps only previews of its content (no blob). */
  static String previewOnly(String answer) {
    try (ActiveSpan chat = Tracewright.span("forecast", SpanKind.LLM).capture(CapturePolicy.REDACTED_PREVIEW).input("city", "Paris").start()) {
      chat.output(answer);
      return Tracewright.current().traceId();
    }
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

  static List<String> rows(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer.get("rows").forEach(r -> out.add(r.get("path").asText() + " " + r.get("change").asText()));
    return out;
  }

  @Test
  void twoRunsOfOneAgentAreEqualAndEachSideCarriesItsTraceFigures() throws Exception {
    JsonNode c = json("/api/compare?a=" + original + "&b=" + again.substring(0, 20));
    assertTrue(c.get("equal").asBoolean());
    assertEquals(List.of("research same", "research/search[0] same", "research/search[1] same", "research/chat[0] same"), rows(c));
    JsonNode a = c.get("a");
    assertEquals(original, a.get("traceId").asText());
    assertEquals("research", a.get("name").asText());
    assertEquals("OK", a.get("status").asText());
    assertEquals(4, a.get("spans").asInt());
    assertEquals(1000, a.get("inputTokens").asLong());
    assertEquals(200, a.get("outputTokens").asLong());
    assertTrue(a.get("costUsd").asDouble() > 0);
    assertTrue(a.get("startTime").asText().endsWith("Z"));
    assertEquals(again, c.get("b").get("traceId").asText());
    assertEquals(0, c.get("totals").get("tokens").get("delta").asLong());
    assertEquals(1200, c.get("totals").get("tokens").get("a").asLong());
    assertFalse(c.get("truncated").asBoolean());
    JsonNode root = c.get("rows").get(0);
    assertEquals(0, root.get("depth").asInt());
    assertEquals("AGENT", root.get("kind").asText());
    assertEquals(RecordedContent.sha256("\"blue\""), root.get("a").get("outputHash").asText(), "the stored content's SHA-256");
    assertEquals(root.get("a").get("outputHash"), root.get("b").get("outputHash"));
  }

  @Test
  void anAddedSpanAChangedOutputAndAFailedSpanAreMarked() throws Exception {
    JsonNode c = json("/api/compare?a=" + original + "&b=" + changed);
    assertFalse(c.get("equal").asBoolean());
    assertEquals(List.of("research same", "research/search[0] same", "research/verify[0] added", "research/search[1] changed",
        "research/chat[0] changed"), rows(c));
    JsonNode verify = c.get("rows").get(2);
    assertTrue(verify.get("a").isNull());
    assertEquals("OK", verify.get("b").get("status").asText());
    assertEquals(verify.get("b").get("durationMs").asDouble(), verify.get("durationDeltaMs").asDouble());
    JsonNode search = c.get("rows").get(3);
    assertTrue(search.get("outputChanged").asBoolean());
    assertFalse(search.get("statusChanged").asBoolean());
    JsonNode chat = c.get("rows").get(4);
    assertTrue(chat.get("statusChanged").asBoolean());
    assertEquals("ERROR", chat.get("b").get("status").asText());
    assertEquals("model unavailable", chat.get("b").get("errorMessage").asText());
    assertEquals(0, chat.get("tokensDelta").asLong());
    assertEquals(1, c.get("totals").get("spans").get("delta").asInt());
    assertEquals(1, c.get("totals").get("errors").get("delta").asInt());
    assertEquals(1, c.get("changes").get("added").asInt());
    assertEquals(2, c.get("changes").get("changed").asInt());
    assertFalse(get("/api/compare?a=" + original + "&b=" + changed).body().contains("<img"), "no content, and no markup, in the answer");
  }

  @Test
  void aChangedSpanSaysWhereItsInputAndOutputAreToShowThemSideBySide() throws Exception {
    JsonNode c = json("/api/compare?a=" + original + "&b=" + changed);
    JsonNode search = c.get("rows").get(3);
    JsonNode output = search.get("b").get("output");
    assertEquals("FULL", output.get("state").asText());
    assertTrue(output.get("preview").isNull(), "a blob is read from the content API, not sent here");
    assertEquals("\"" + IMG + "\"", json("/api/content/" + output.get("ref").asText()).get("content").asText());
    assertEquals("\"Mie\"", json("/api/content/" + search.get("a").get("output").get("ref").asText()).get("content").asText());
    assertEquals("{\"query\":\"sunset\"}", json("/api/content/" + search.get("a").get("input").get("ref").asText()).get("content").asText());
    JsonNode chat = c.get("rows").get(4);
    assertTrue(chat.get("b").get("output").isNull(), "a failed call has no output");
    JsonNode contents = c.get("contents");
    assertEquals("\"" + IMG + "\"", contents.get(output.get("ref").asText()).get("content").asText(),
        "the first changed spans' content comes with the answer, read on its connection");
    assertEquals("\"blue\"", contents.get(chat.get("a").get("output").get("ref").asText()).get("content").asText());
    assertFalse(contents.has(c.get("rows").get(1).get("a").get("output").get("ref").asText()), "nothing of unchanged spans");

    JsonNode previews = json("/api/compare?a=" + previewA + "&b=" + previewB).get("rows").get(0);
    assertEquals("changed", previews.get("change").asText());
    assertEquals("PREVIEW", previews.get("a").get("output").get("state").asText());
    assertTrue(previews.get("a").get("output").get("ref").isNull());
    assertEquals("\"sunny\"", previews.get("a").get("output").get("preview").asText(), "without a blob, the preview itself");
    assertEquals("\"rainy\"", previews.get("b").get("output").get("preview").asText());
    assertEquals("{\"city\":\"Paris\"}", previews.get("b").get("input").get("preview").asText());
    JsonNode same = json("/api/compare?a=" + previewA + "&b=" + previewA).get("rows").get(0);
    assertTrue(same.get("a").get("output").get("preview").isNull(), "previews only for changed spans, whose content the page shows");
  }

  @Test
  void rowsAreCappedAndSaySo() throws Exception {
    JsonNode c = json("/api/compare?a=" + wide + "&b=" + wide);
    assertEquals(ROW_CAP, c.get("rows").size());
    assertTrue(c.get("truncated").asBoolean());
    assertEquals(ROW_CAP + 11, c.get("rowCount").asInt());
    assertEquals(ROW_CAP, c.get("rowLimit").asInt());
    assertTrue(c.get("equal").asBoolean(), "equality covers every row, not only those returned");
  }

  @Test
  void unknownTracesAre404AndMissingOrBadParameters400() throws Exception {
    assertError("/api/compare?a=" + original + "&b=ffffffff", 404, "b: no trace with ID starting 'ffffffff'");
    assertError("/api/compare?a=eeee&b=" + original, 404, "a: no trace with ID starting 'eeee'");
    assertError("/api/compare?a=" + original, 400, "missing parameter 'b'");
    assertError("/api/compare", 400, "missing parameter 'a'");
    assertError("/api/compare?a=xyz&b=" + original, 400, "a: 'xyz' is not a trace ID");
    assertError("/api/compare?a=" + original + "&b=" + original + "&c=1", 400, "unknown parameter 'c'");
    String common = original.substring(0, 1);
    if (changed.startsWith(common)) {
      assertError("/api/compare?a=" + common + "&b=" + original, 400, "a: '" + common + "' matches several traces");
    }
  }

  static void assertError(String path, int status, String message) throws Exception {
    HttpResponse<String> r = get(path);
    assertEquals(status, r.statusCode(), path + " -> " + r.body());
    assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(null));
    JsonNode body = JSON.readTree(r.body());
    assertTrue(body.get("error").asText().contains(message), path + " -> " + r.body());
    assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), "no stack trace: " + r.body());
  }
}
