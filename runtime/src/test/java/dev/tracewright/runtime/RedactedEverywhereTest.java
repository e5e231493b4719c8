package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.export.JsonlFileExporter;
import dev.tracewright.runtime.store.BlobRecord;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14: every string that leaves the application thread passes the redactor, names and keys
 * too, into the store and onto the export wire, under every policy (names are stored even under
 * METADATA_ONLY).
 */
class RedactedEverywhereTest {
  static final String KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9o";
  static final String CARD = "4111111111111111";
  static final String DB_PASSWORD = "Pg-s3cret-42";

  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @ParameterizedTest
  @EnumSource(value = CapturePolicy.class, names = {"METADATA_ONLY", "FULL_LOCAL", "FULL_EXPORTABLE"})
  void namesKeysModelNumbersAndErrorsAreRedactedInTheStoreAndTheExport(CapturePolicy policy) throws Exception {
    InMemoryStore store = new InMemoryStore();
    Path jsonl = dir.resolve("spans.jsonl");
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(policy).exporter(new JsonlFileExporter(jsonl)).build());
    try (ActiveSpan s = Tracewright.span("call with " + KEY, SpanKind.LLM).model("ft:gpt-4o:" + KEY).provider("openai " + KEY)
        .attribute("key " + KEY, "v").attribute("user.card", Long.parseLong(CARD)).attribute("password", 84726153)
        .attribute("retries", 3).attribute("streamed", true).start()) {
      s.event("retry with " + KEY, Map.of("header " + KEY, 1, "pin_password", 1234));
      s.model("gpt-4o-2024-08-06 " + KEY);
      s.error(new IllegalStateException("cannot reach postgresql://app:" + DB_PASSWORD + "@db:5432/orders"));
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    SpanRecord span = store.spans().get(0);
    EventRecord event = store.events().get(0);
    String stored = span + " " + store.events() + " " + store.traces();
    for (String secret : List.of(KEY, CARD, "84726153", "1234", DB_PASSWORD)) {
      assertFalse(stored.contains(secret), secret + " in " + stored);
    }
    assertEquals("call with [REDACTED:openai_key]", span.name());
    assertEquals("call with [REDACTED:openai_key]", store.traces().get(0).name());
    assertEquals("gpt-4o-2024-08-06 [REDACTED:openai_key]", span.model());
    assertEquals("openai [REDACTED:openai_key]", span.provider());
    assertEquals("retry with [REDACTED:openai_key]", event.name());
    assertEquals("[REDACTED:card]", span.attributes().get("user.card"));
    assertEquals("[REDACTED:secret]", span.attributes().get("password"));
    assertEquals("[REDACTED:secret]", event.attributes().get("pin_password"));
    assertTrue(span.attributes().containsKey("key [REDACTED:openai_key]"), span.attributes().toString());
    assertTrue(event.attributes().containsKey("header [REDACTED:openai_key]"), event.attributes().toString());
    assertEquals(3, ((Number) span.attributes().get("retries")).intValue(), "ordinary numbers stay numbers");
    assertEquals(Boolean.TRUE, span.attributes().get("streamed"));
    assertEquals(IllegalStateException.class.getName(), span.errorType());
    assertTrue(span.errorMessage().contains("postgresql://app:[REDACTED:url_credentials]@db:5432"), span.errorMessage());

    String exported = Files.readString(jsonl);
    assertTrue(exported.contains("[REDACTED:openai_key]"), exported);
    for (String secret : List.of(KEY, CARD, "84726153", DB_PASSWORD)) {
      assertFalse(exported.contains(secret), secret + " exported: " + exported);
    }
  }

  @Test
  void generatedSpanNamesAndSiteAttributesAreRedactedToo() {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(CapturePolicy.METADATA_ONLY).build());
    TracedCall.Site site = TracedCall.site(RedactedEverywhereTest.class, "run", SpanKind.TOOL, "tool " + KEY)
        .attribute("gen_ai.tool.description", "calls with " + KEY).attribute("api_key", "plain-value");
    for (int i = 0; i < 3; i++) {
      site.begin().returned();
    }
    assertTrue(Tracewright.flush());
    assertEquals(3, store.spans().size());
    for (SpanRecord span : store.spans()) {
      assertEquals("tool [REDACTED:openai_key]", span.name());
      assertEquals("calls with [REDACTED:openai_key]", span.attributes().get("gen_ai.tool.description"));
      assertEquals("tool [REDACTED:openai_key]", span.attributes().get("gen_ai.tool.name"), "the tool name is the redacted span name");
      assertEquals("[REDACTED:secret]", span.attributes().get("api_key"));
    }
  }

  @Test
  void headersCapturedAsMapOfListsAreRedactedInPreviewAndBlob() throws Exception {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    Map<String, List<String>> headers = Map.of("X-Auth-Token", List.of("tok-5f8a9c2e71"));
    String body = "{\"user\":\"bob\",\"password\":\"Hunter2!xyz\",\"pin\":1234,\"tokens\":[1,2]}";
    Tracewright.span("http", SpanKind.TOOL).input("headers", headers).input("body", body).run(() -> {});
    assertTrue(Tracewright.flush());
    SpanRecord span = store.spans().get(0);
    BlobRecord blob = store.blobs().get(span.inputRef());
    String content = new String(blob.content(), StandardCharsets.UTF_8);
    for (String text : List.of(span.inputPreview(), content)) {
      assertFalse(text.contains("tok-5f8a9c2e71") || text.contains("Hunter2!xyz"), text);
      assertTrue(text.contains("\"X-Auth-Token\":[\"[REDACTED:secret]\"]"), text);
    }
    // Redaction keeps the blob valid JSON, the JSON body inside its string included.
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode inner = json.readTree(json.readTree(content).path("body").asText());
    assertEquals("[REDACTED:secret]", inner.path("password").asText());
    assertEquals("[REDACTED:secret]", inner.path("pin").asText());
    assertEquals("bob", inner.path("user").asText());
    assertEquals(2, inner.path("tokens").size());
  }

  @Test
  void aThrowingToStringOfAnAttributeValueIsAMarker() {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).build());
    Object hostile = new Object() {
      @Override
      public String toString() {
        throw new IllegalStateException("no " + KEY);
      }
    };
    Tracewright.span("call", SpanKind.TOOL).attribute("thing", hostile).run(() -> {});
    assertTrue(Tracewright.flush());
    String value = String.valueOf(store.spans().get(0).attributes().get("thing"));
    assertEquals("[toString() threw java.lang.IllegalStateException]", value);
    assertEquals(1, store.spans().size(), store.spans().stream().map(SpanRecord::name).collect(Collectors.joining()));
  }

  @Test
  void aKeyCutByTheContentLimitOrTheErrorCapLeavesNoPrefix() {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).maxContentBytes(64).build());
    String text = "x".repeat(39) + " " + KEY; // the 64-byte cut lands inside the key
    try (ActiveSpan s = Tracewright.span("call", SpanKind.LLM).input("p", text).start()) {
      s.error(new IllegalStateException("y".repeat(4079) + " " + KEY)); // the 4,096-character cap too
    }
    assertTrue(Tracewright.flush());
    SpanRecord span = store.spans().get(0);
    String content = new String(store.blobs().get(span.inputRef()).content(), StandardCharsets.UTF_8);
    for (String stored : List.of(span.inputPreview(), content, span.errorMessage())) {
      assertFalse(stored.contains("sk-proj-A"), stored);
    }
    assertTrue(content.contains("[truncated at 64 bytes]"), content);
  }
}
