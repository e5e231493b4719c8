package dev.tracewright.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.CliException;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.TraceQuery;
import dev.tracewright.runtime.capture.PricingTable;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as an OpenTelemetry SDK meets it: real OTLP/HTTP requests (protobuf built with the
 * official classes, OTLP/JSON, gzip) to a running server, read back from the H2 file with the CLI's
 * read model.
 */
@Timeout(120)
class TeamServerTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final long T0 = 1_765_000_000_000_000_000L;

  @TempDir Path dir;
  TeamServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(TeamServer.Settings settings) throws Exception {
    server = TeamServer.start(dir.resolve("traces"), InetAddress.getLoopbackAddress(), 0, settings, PricingTable.bundled());
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.port() + "/v1/traces");
  }

  static KeyValue kv(String key, Object value) {
    AnyValue.Builder v = AnyValue.newBuilder();
    if (value instanceof Long l) {
      v.setIntValue(l);
    } else if (value instanceof Double d) {
      v.setDoubleValue(d);
    } else if (value instanceof Boolean b) {
      v.setBoolValue(b);
    } else {
      v.setStringValue(String.valueOf(value));
    }
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  static ByteString hex(String h) {
    return ByteString.copyFrom(HexFormat.of().parseHex(h));
  }

  static Span.Builder span(String id, String parent, String name, long startMs, long endMs, KeyValue... attributes) {
    Span.Builder s = Span.newBuilder().setTraceId(hex(TRACE)).setSpanId(hex(id)).setName(name)
        .setStartTimeUnixNano(T0 + startMs * 1_000_000).setEndTimeUnixNano(T0 + endMs * 1_000_000).addAllAttributes(List.of(attributes));
    if (parent != null) {
      s.setParentSpanId(hex(parent));
    }
    return s;
  }

  /** A TypeScript agent's trace, as the JS SDK sends it: an agent, a model call, a failing tool, an OpenInference LLM span. */
  static ExportTraceServiceRequest agentTrace() {
    List<Span> spans = List.of(
        span("00f067aa0ba902b7", null, "invoke_agent checkout", 0, 900, kv("gen_ai.operation.name", "invoke_agent"),
            kv("gen_ai.agent.name", "checkout")).build(),
        span("00f067aa0ba902b8", "00f067aa0ba902b7", "chat gpt-4o", 10, 400, kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.provider.name", "openai"), kv("gen_ai.request.model", "gpt-4o"), kv("gen_ai.usage.input_tokens", 1000L),
            kv("gen_ai.usage.output_tokens", 200L),
            kv("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Mail bob@example.com about order 42\"}]}]"),
            kv("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Order 42 ships today.\"}],\"finish_reason\":\"stop\"}]"),
            kv("app.customer_tier", "gold")).build(),
        span("00f067aa0ba902b9", "00f067aa0ba902b7", "execute_tool lookup_order", 420, 500, kv("gen_ai.operation.name", "execute_tool"),
            kv("gen_ai.tool.name", "lookup_order"), kv("gen_ai.tool.call.id", "call_1"), kv("gen_ai.tool.call.arguments", "{\"order\":42}"))
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("warehouse offline"))
            .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(T0 + 450_000_000L)
                .addAttributes(kv("exception.type", "WarehouseError")).addAttributes(kv("exception.message", "warehouse offline")))
            .build(),
        span("00f067aa0ba902ba", "00f067aa0ba902b7", "ChatOpenAI", 510, 880, kv("openinference.span.kind", "LLM"),
            kv("llm.model_name", "gpt-4o-mini"), kv("llm.token_count.prompt", 50L), kv("llm.token_count.completion", 5L),
            kv("input.value", "Summarize: order 42 ships today"), kv("output.value", "Ships today.")).build());
    return request(spans);
  }

  static ExportTraceServiceRequest request(List<Span> spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "checkout-ts")))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans))).build();
  }

  HttpResponse<byte[]> post(byte[] body, String contentType, boolean gzip) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(url()).header("Content-Type", contentType);
    if (gzip) {
      ByteArrayOutputStream zipped = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
        out.write(body);
      }
      body = zipped.toByteArray();
      r.header("Content-Encoding", "gzip");
    }
    return HTTP.send(r.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String error(HttpResponse<byte[]> r) throws Exception {
    return JSON.readTree(r.body()).get("error").asText();
  }

  @Test
  void aProtobufExportIsStoredWithItsIdsColumnsContentAndATraceRow() throws Exception {
    start(TeamServer.Settings.DEFAULT);
    HttpResponse<byte[]> r = post(agentTrace().toByteArray(), "application/x-protobuf", false);
    assertEquals(200, r.statusCode(), new String(r.body()));
    assertEquals("application/x-protobuf", r.headers().firstValue("Content-Type").orElse(""));
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(r.body());
    assertEquals(0, answer.getPartialSuccess().getRejectedSpans());

    try (TraceDb db = TraceDb.open(dir.resolve("traces"))) {
      TraceRecord t = db.trace(TRACE);
      assertEquals("invoke_agent checkout", t.name());
      assertEquals("checkout-ts", t.serviceName());
      assertEquals("00f067aa0ba902b7", t.rootSpanId());
      assertEquals(SpanRecord.OK, t.status());
      assertEquals(4, t.spanCount());
      assertEquals(1, t.errorCount());
      assertEquals(1050, t.inputTokens());
      assertEquals(205, t.outputTokens());
      assertEquals(900.0, t.durationMs(), 1e-6);
      Map<String, SpanRecord> spans = new java.util.HashMap<>();
      db.spans(TRACE).forEach(s -> spans.put(s.name(), s));
      SpanRecord chat = spans.get("chat gpt-4o");
      assertEquals(SpanKind.LLM, chat.kind());
      assertEquals("00f067aa0ba902b7", chat.parentSpanId());
      assertEquals("gpt-4o", chat.model());
      assertEquals("openai", chat.provider());
      assertEquals(1000L, chat.inputTokens());
      assertTrue(chat.costUsd() != null && chat.costUsd() > 0, "priced from the table: " + chat.costUsd());
      assertEquals("gold", chat.attributes().get("app.customer_tier"), "unknown attributes are kept");
      assertNull(chat.attributes().get("gen_ai.input.messages"), "content is stored as content, not again as an attribute");
      String input = db.blob(chat.inputRef());
      JsonNode messages = JSON.readTree(input).get("gen_ai.input.messages");
      assertEquals("user", messages.get(0).get("role").asText(), input);
      assertTrue(input.contains("order 42") && !input.contains("bob@example.com"), "redacted as recorded content is: " + input);
      assertTrue(chat.outputPreview().contains("Order 42 ships today."), chat.outputPreview());
      SpanRecord tool = spans.get("execute_tool lookup_order");
      assertEquals(SpanKind.TOOL, tool.kind());
      assertEquals(SpanRecord.ERROR, tool.status());
      assertEquals("WarehouseError", tool.errorType());
      assertEquals("warehouse offline", tool.errorMessage());
      assertEquals("call_1", tool.attributes().get("gen_ai.tool.call.id"));
      assertEquals("{\"order\":42}", db.blob(tool.inputRef()));
      assertEquals(1, db.events(TRACE).size());
      SpanRecord oi = spans.get("ChatOpenAI");
      assertEquals(SpanKind.LLM, oi.kind());
      assertEquals("gpt-4o-mini", oi.model());
      assertEquals(50L, oi.inputTokens());
      assertEquals("\"Summarize: order 42 ships today\"", db.blob(oi.inputRef()));
      assertEquals(SpanKind.AGENT, spans.get("invoke_agent checkout").kind());
      // The read model's other surfaces see it: search, stats.
      assertEquals(List.of(TRACE), db.traces(TraceQuery.recent(10).text("ships today")).stream().map(TraceRecord::traceId).toList());
    }

    // A development server also serves the UI's JSON API and pages on its port: one server code path.
    HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/traces")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, api.statusCode(), api.body());
    JsonNode listed = JSON.readTree(api.body()).get("traces").get(0);
    assertEquals(TRACE, listed.get("traceId").asText());
    assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/trace/" + TRACE)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());

    // Sent again (a client retrying after a lost answer): merged, not stored twice.
    assertEquals(200, post(agentTrace().toByteArray(), "application/x-protobuf", false).statusCode());
    try (TraceDb db = TraceDb.open(dir.resolve("traces"))) {
      assertEquals(4, db.spans(TRACE).size());
      assertEquals(4, db.trace(TRACE).spanCount());
    }
  }

  @Test
  void otlpJsonWithHexIdsAndGzipIsTheSame() throws Exception {
    start(TeamServer.Settings.DEFAULT);
    String json = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"py-batch"}}]},
          "scopeSpans":[{"scope":{"name":"manual"},"spans":[
            {"traceId":"%s","spanId":"1111111111111111","name":"job","kind":1,
             "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
             "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}},
                           {"key":"batch.size","value":{"intValue":"12"}},
                           {"key":"gen_ai.system_instructions","value":{"stringValue":"Be brief."}}],
             "status":{"code":"ERROR","message":"partly failed"}},
            {"traceId":"%s","spanId":"2222222222222222","parentSpanId":"1111111111111111","name":"chat",
             "kind":"SPAN_KIND_CLIENT","startTimeUnixNano":%d,"endTimeUnixNano":"%d",
             "attributes":[{"key":"gen_ai.system","value":{"stringValue":"anthropic"}},
                           {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                           {"key":"gen_ai.usage.prompt_tokens","value":{"intValue":7}},
                           {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}}]}
          ]}]}]}
        """.formatted(TRACE, T0, T0 + 5_000_000, TRACE, T0 + 1_000_000, T0 + 4_000_000);
    HttpResponse<byte[]> r = post(json.getBytes(), "application/json; charset=utf-8", true);
    assertEquals(200, r.statusCode(), new String(r.body()));
    assertEquals("{}", new String(r.body()));
    try (TraceDb db = TraceDb.open(dir.resolve("traces"))) {
      TraceRecord t = db.trace(TRACE);
      assertEquals("job", t.name());
      assertEquals("ERROR", t.status(), "a status code by name");
      assertEquals("py-batch", t.serviceName());
      assertEquals(2, t.spanCount());
      SpanRecord chat = db.spans(TRACE).stream().filter(s -> s.name().equals("chat")).findFirst().orElseThrow();
      assertEquals("anthropic", chat.provider(), "the older gen_ai.system");
      assertEquals(7L, chat.inputTokens(), "the older gen_ai.usage.prompt_tokens");
      assertEquals(List.of("a", "b"), chat.attributes().get("tags"));
      assertEquals(12L, ((Number) db.spans(TRACE).get(0).attributes().get("batch.size")).longValue());
      assertEquals("Be brief.", db.spans(TRACE).get(0).attributes().get("gen_ai.system_instructions"),
          "a content attribute not stored as content (no messages beside it) is kept as an attribute");
    }
  }

  @Test
  void badRequestsGetAReasonAndTheGoodSpansOfARequestAreKept() throws Exception {
    start(new TeamServer.Settings(64 * 1024, 64, 0, 30_000, 500));
    HttpResponse<byte[]> garbage = post("not protobuf at all \u0000\u00ff".getBytes(), "application/x-protobuf", false);
    assertEquals(400, garbage.statusCode());
    assertTrue(error(garbage).contains("not an OTLP ExportTraceServiceRequest in protobuf"), error(garbage));
    HttpResponse<byte[]> badJson = post("{\"resourceSpans\":[{\"scopeSpans\":{\"spans\":[]}}]}".getBytes(), "application/json", false);
    assertEquals(400, badJson.statusCode());
    assertTrue(error(badJson).contains("resourceSpans[0].scopeSpans must be an array"), error(badJson));
    // A span with a broken ID in JSON is refused alone, as in protobuf.
    HttpResponse<byte[]> badId = post(("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\",\"spanId\":\"1111111111111111\","
        + "\"startTimeUnixNano\":\"" + T0 + "\",\"endTimeUnixNano\":\"" + T0 + "\"}]}]}]}").getBytes(), "application/json", false);
    assertEquals(200, badId.statusCode(), new String(badId.body()));
    JsonNode partial0 = JSON.readTree(badId.body()).get("partialSuccess");
    assertEquals("1", partial0.get("rejectedSpans").asText());
    assertTrue(partial0.get("errorMessage").asText().contains("32 hex digits in JSON"), partial0.toString());
    assertEquals(415, post("x".getBytes(), "text/plain", false).statusCode());
    HttpResponse<byte[]> brotli = HTTP.send(HttpRequest.newBuilder(url()).header("Content-Type", "application/x-protobuf")
        .header("Content-Encoding", "br").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(415, brotli.statusCode());
    assertTrue(error(brotli).contains("Content-Encoding must be gzip"), error(brotli));
    HttpResponse<byte[]> big = post(new byte[100 * 1024], "application/x-protobuf", false);
    assertEquals(413, big.statusCode());
    // A small gzip that inflates past the limit is refused too, while it is read.
    HttpResponse<byte[]> bomb = post(new byte[10 << 20], "application/x-protobuf", true);
    assertEquals(413, bomb.statusCode(), error(bomb));
    assertEquals(405, HTTP.send(HttpRequest.newBuilder(url()).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());

    // One span with an all-zero ID among good ones: OTLP's partial success, the others stored.
    List<Span> spans = new ArrayList<>(agentTrace().getResourceSpans(0).getScopeSpans(0).getSpansList());
    spans.add(span("0000000000000000", "00f067aa0ba902b7", "broken", 1, 2).build());
    HttpResponse<byte[]> partial = post(request(spans).toByteArray(), "application/x-protobuf", false);
    assertEquals(200, partial.statusCode());
    ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(partial.body());
    assertEquals(1, answer.getPartialSuccess().getRejectedSpans());
    assertTrue(answer.getPartialSuccess().getErrorMessage().contains("all zero"), answer.getPartialSuccess().getErrorMessage());
    try (TraceDb db = TraceDb.open(dir.resolve("traces"))) {
      assertEquals(4, db.spans(TRACE).size());
    }
  }

  @Test
  void aBurstBeyondTheQueueGets429WithRetryAfterAndARetryingClientLosesNothing() throws Exception {
    start(new TeamServer.Settings(16L << 20, 2, 4L << 20, 30_000, 500));
    int requests = 24;
    int perRequest = 400;
    List<byte[]> bodies = new ArrayList<>();
    for (int r = 0; r < requests; r++) {
      List<Span> spans = new ArrayList<>();
      String trace = String.format("%032x", r + 1);
      for (int i = 0; i < perRequest; i++) {
        spans.add(Span.newBuilder().setTraceId(hex(trace)).setSpanId(hex(String.format("%08x%08x", r + 1, i + 1)))
            .setName("step " + i).setStartTimeUnixNano(T0 + i).setEndTimeUnixNano(T0 + i + 1000)
            .addAttributes(kv("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"" + "x".repeat(500) + i + "\"}]}]"))
            .build());
      }
      bodies.add(request(spans).toByteArray());
    }
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    try {
      List<Future<Integer>> sent = new ArrayList<>();
      for (byte[] body : bodies) {
        sent.add(pool.submit(() -> {
          for (int attempt = 0; ; attempt++) {
            HttpResponse<byte[]> r = post(body, "application/x-protobuf", false);
            if (r.statusCode() == 200) {
              return attempt;
            }
            assertEquals(429, r.statusCode(), new String(r.body()));
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
            refused.incrementAndGet();
            Thread.sleep(50);
          }
        }));
      }
      for (Future<Integer> f : sent) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(refused.get() > 0, "a burst of " + requests + " requests against a queue of 2 met a full queue");
    try (TraceDb db = TraceDb.open(dir.resolve("traces"))) {
      assertEquals(requests, db.traces(TraceQuery.recent(100)).size());
      for (int r = 0; r < requests; r++) {
        assertEquals(perRequest, db.spanCount(String.format("%032x", r + 1)));
      }
    }
  }

  @Test
  void aRequestAloneLargerThanTheMemoryBudgetIsStillTaken() throws Exception {
    start(new TeamServer.Settings(16L << 20, 64, 1L << 20, 30_000, 500)); // 1 MB of memory for requests; this one needs ~8
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      spans.add(span(String.format("%016x", i + 1), null, "big " + i, i, i + 1, kv("output.value", "z".repeat(2_000))).build());
    }
    HttpResponse<byte[]> r = post(request(spans).toByteArray(), "application/x-protobuf", false);
    assertEquals(200, r.statusCode(), new String(r.body()));
    try (TraceDb db = TraceDb.open(dir.resolve("traces"))) {
      assertEquals(1_000, db.spanCount(TRACE));
    }
  }

  @Test
  void itBindsOnlyToLoopbackWithoutKeys() throws Exception {
    InetAddress outside = InetAddress.getByName("0.0.0.0");
    CliException e = assertThrows(CliException.class,
        () -> TeamServer.start(dir.resolve("traces"), outside, 0, TeamServer.Settings.DEFAULT, PricingTable.bundled()));
    assertTrue(e.getMessage().contains("binds only to a loopback address"), e.getMessage());
  }
}
