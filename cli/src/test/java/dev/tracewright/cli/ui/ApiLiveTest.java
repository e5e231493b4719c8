package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.DurabilityChild;
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
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DurabilityChild.class.getName(), "kill", db.toString(), "5") // 5 traces of 5 spans
          .redirectErrorStream(true).start();
      try {
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder said = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("FLUSHED")) {
          said.append(line).append('\n');
        }
        assertEquals("FLUSHED 25", line, "the agent could record while the UI had the database open: " + said);
        assertEquals("", said.toString(), "and had nothing to warn about");
        JsonNode page = traces(ui);
        assertTrue(page.get("traces").size() >= 6, page.toString());
      } finally {
        agent.destroyForcibly().waitFor();
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
