package dev.tracewright.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Content larger than the API sends: its head, and a flag saying the rest was left out. */
@Timeout(120)
class ApiBoundsTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void contentLargerThanTheCapComesAsItsHeadFlaggedTruncated() throws Exception {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).maxContentBytes(4 * 1024 * 1024).build());
    String big = "abcdefghij".repeat(150_000); // 1.5 M characters
    String traceId;
    try (ActiveSpan page = Tracewright.span("read book", SpanKind.TOOL).start()) {
      page.output(big);
      traceId = Tracewright.current().traceId();
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    try (UiServer ui = UiServer.start(db, 0)) {
      HttpClient http = HttpClient.newHttpClient();
      JsonNode trace = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(ui.url() + "api/traces/" + traceId)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      JsonNode span = trace.get("spans").get(0);
      assertTrue(span.get("outputPreview").asText().length() < 10_000, "a trace carries previews only");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ui.url() + "api/content/" + span.get("outputRef").asText())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().length() < TraceApi.MAX_CONTENT_CHARS + 1_000, "the response is bounded: " + r.body().length());
      JsonNode content = new ObjectMapper().readTree(r.body());
      assertTrue(content.get("truncated").asBoolean());
      assertEquals(TraceApi.MAX_CONTENT_CHARS, content.get("content").asText().length());
      assertTrue(("\"" + big).startsWith(content.get("content").asText()), "the head of the stored JSON string");
      assertTrue(content.get("sizeBytes").asLong() > TraceApi.MAX_CONTENT_CHARS);
      assertFalse(content.get("mediaType").asText().isEmpty());
    }
  }
}
