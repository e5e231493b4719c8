package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.cli.ChildAgent;
import dev.tracewright.runtime.store.H2Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The UI left open while agents start, write and stop: it must not keep them from recording. */
@Timeout(180)
class ApiLiveTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void anAgentStartedWhileTheUiIsOpenRecordsAndItsTracesAppear() throws Exception {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    try (ActiveSpan root = Tracewright.span("before", SpanKind.AGENT).start()) {
      root.output("x");
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    try (UiServer ui = UiServer.start(db, 0)) {
      assertEquals(1, traces(ui).get("traces").size());
      try (ChildAgent agent = ChildAgent.start(db, 5)) { // 5 traces of 5 spans
        assertEquals("FLUSHED 25", agent.awaitFlushed(), "the agent could record while the UI had the database open: " + agent.said());
        assertEquals("", agent.said(), "and had nothing to warn about");
        JsonNode page = traces(ui);
        assertTrue(page.get("traces").size() >= 6, page.toString());
      }
    }
  }

  private static JsonNode traces(UiServer ui) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(ui.url() + "api/traces?limit=200")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }
}
