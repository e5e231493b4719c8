package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/traces?tag=&session=&user=} and the rows' {@code sessionId}, {@code userId} and {@code tags}. */
@Timeout(120)
class LabelsApiTest {
  static final String HOSTILE = "<img src=x onerror=alert(1)>";

  @TempDir static Path dir;
  static UiServer server;
  static String tagged;
  static String hostile;
  static String conversation;

  @BeforeAll
  static void recordAndServe() {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    try (ActiveSpan root = Tracewright.span("checkout", SpanKind.AGENT).start()) {
      tagged = root.traceId();
      Tracewright.tag("checkout", "beta");
      Tracewright.session("s-1");
      Tracewright.user("u-7");
    }
    try (ActiveSpan root = Tracewright.span("fetch", SpanKind.AGENT).start()) {
      hostile = root.traceId();
      Tracewright.tag(HOSTILE);
      Tracewright.session(HOSTILE);
    }
    try (ActiveSpan root = Tracewright.span("chat", SpanKind.AGENT).start()) {
      conversation = root.traceId();
      Tracewright.conversation("conv-9").close();
    }
    try (ActiveSpan root = Tracewright.span("browse", SpanKind.AGENT).start()) {
      root.attribute("k", "v");
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    server = UiServer.start(db, 0, 100);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    Tracewright.shutdown();
  }

  static List<String> ids(String query) throws Exception {
    List<String> out = new ArrayList<>();
    ApiClient.json(server, "/api/traces" + query).get("traces").forEach(t -> out.add(t.get("traceId").asText()));
    return out;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void theListFiltersByTagSessionAndUser() throws Exception {
    assertEquals(List.of(tagged), ids("?tag=checkout"));
    assertEquals(List.of(tagged), ids("?session=s-1"));
    assertEquals(List.of(tagged), ids("?user=u-7&tag=beta"));
    assertEquals(List.of(), ids("?user=u-7&tag=nope"));
    assertEquals(List.of(conversation), ids("?session=conv-9"), "the conversation ID is the session when none was given");
    assertEquals(List.of(hostile), ids("?tag=" + enc(HOSTILE)));
    assertEquals(4, ids("").size());
  }

  @Test
  void rowsCarrySessionUserAndTagsAsPlainJsonStrings() throws Exception {
    JsonNode page = ApiClient.json(server, "/api/traces");
    JsonNode row = null;
    JsonNode bad = null;
    JsonNode none = null;
    for (JsonNode t : page.get("traces")) {
      if (t.get("traceId").asText().equals(tagged)) {
        row = t;
      } else if (t.get("traceId").asText().equals(hostile)) {
        bad = t;
      } else if (t.get("name").asText().equals("browse")) {
        none = t;
      }
    }
    assertEquals("s-1", row.get("sessionId").asText());
    assertEquals("u-7", row.get("userId").asText());
    assertEquals("[\"beta\",\"checkout\"]", row.get("tags").toString());
    assertTrue(none.get("sessionId").isNull() && none.get("tags").isEmpty(), none.toString());
    // Stored and served as the text it is; the page puts it in the DOM as text (traces.js: el()).
    assertEquals(HOSTILE, bad.get("tags").get(0).asText());
    assertEquals(HOSTILE, bad.get("sessionId").asText());
    String raw = ApiClient.get(server, "/api/traces?tag=" + enc(HOSTILE)).body();
    assertFalse(raw.contains("<img"), "JSON escapes markup: " + raw);

    JsonNode one = ApiClient.json(server, "/api/traces/" + tagged).get("trace");
    assertEquals("s-1", one.get("sessionId").asText());
    assertEquals(2, one.get("tags").size());
  }

  @Test
  void theTracesPageHasTheFiltersAndRendersLabelsAsText() throws Exception {
    String index = ApiClient.get(server, "/").body();
    for (String input : List.of("name=\"tag\"", "name=\"session\"", "name=\"user\"")) {
      assertTrue(index.contains(input), "filter input " + input);
    }
    String script = ApiClient.get(server, "/assets/traces.js").body();
    assertTrue(script.contains("'tag', 'session', 'user'"), "kept in the URL like the other filters");
    assertFalse(script.contains("innerHTML"), "recorded values never as HTML");
  }
}
