package dev.tracewright.runtime.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.InMemoryStore;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every export is parsed with the official opentelemetry-proto classes; a local receiver plays the collector. */
@Timeout(120)
public class ExportTest {
  static final String KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9o";
  static final TracedCall.Site AGENT = TracedCall.site(ExportTest.class, "research", SpanKind.AGENT, "research").parameters("question");
  static final TracedCall.Site CHAT = TracedCall.site(ExportTest.class, "chat", SpanKind.LLM, "chat")
      .model("gpt-4o").provider("openai").parameters("prompt").capture(CapturePolicy.FULL_EXPORTABLE);
  static final TracedCall.Site SEARCH = TracedCall.site(ExportTest.class, "search", SpanKind.TOOL, "search")
      .parameters("query").capture(CapturePolicy.FULL_EXPORTABLE).attribute("tool.description", "Web search");
  static final TracedCall.Site LOOKUP = TracedCall.site(ExportTest.class, "lookup", SpanKind.RETRIEVAL, "lookup").parameters("query");

  @TempDir Path dir;
  final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    Tracewright.shutdown();
    servers.forEach(s -> s.stop(0));
  }

  /** An agent run: FULL_LOCAL root and retrieval; FULL_EXPORTABLE tool and LLM call; one event; one error. */
  public static void recordRun() {
    TracedCall root = AGENT.begin();
    root.input("private question from alice@example.com");
    TracedCall search = SEARCH.begin();
    search.input("sky " + KEY);
    Tracewright.current().event("cache_miss", Map.of("attempt", 1));
    search.returned(List.of("rayleigh"));
    TracedCall chat = CHAT.begin();
    chat.input("summarize");
    Tracewright.current().tokens(1000, 200);
    chat.returned("blue");
    TracedCall lookup = LOOKUP.begin();
    lookup.input("local only");
    lookup.threw(new IllegalStateException("index offline"));
    root.returned("secret answer");
  }

  private HttpServer receiver(Function<Integer, int[]> statusAndRetryAfter, List<String> bodies, List<Long> times) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", exchange -> {
      times.add(System.nanoTime());
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      int[] answer = statusAndRetryAfter.apply(bodies.size());
      if (answer.length > 1) {
        exchange.getResponseHeaders().add("Retry-After", String.valueOf(answer[1]));
      }
      byte[] body = answer[0] == 200 && answer.length > 2
          ? ("{\"partialSuccess\":{\"rejectedSpans\":\"" + answer[2] + "\",\"errorMessage\":\"too old\"}}").getBytes(StandardCharsets.UTF_8)
          : "{}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer[0], body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return server;
  }

  private static String endpoint(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void otlpHttpExportParsesWithTheOfficialClassesAndCarriesBothConventions() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = receiver(n -> new int[] {200}, bodies, Collections.synchronizedList(new ArrayList<>()));
    OtlpHttpExporter otlp = OtlpHttpExporter.builder(endpoint(server)).header("x-api-key", "k").build();
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).serviceName("research-agent")
        .resourceAttribute("deployment.environment", "test").exporter(otlp).build());
    recordRun();
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));

    assertEquals(4, otlp.stats().exported());
    String wire = String.join("", bodies);
    assertFalse(wire.contains(KEY), "content is redacted before it is exported");
    assertFalse(wire.contains("alice@example.com") || wire.contains("private question") || wire.contains("secret answer") || wire.contains("local only"),
        "FULL_LOCAL content never leaves the machine");

    List<Span> spans = new ArrayList<>();
    for (String body : bodies) {
      ExportTraceServiceRequest request = OtlpParsing.parse(body);
      for (ResourceSpans rs : request.getResourceSpansList()) {
        Map<String, Object> resource = OtlpParsing.attributes(rs.getResource().getAttributesList());
        assertEquals("research-agent", resource.get("service.name"));
        assertEquals("test", resource.get("deployment.environment"));
        assertEquals("dev.tracewright", rs.getScopeSpans(0).getScope().getName());
        spans.addAll(rs.getScopeSpans(0).getSpansList());
      }
    }
    Map<String, Span> byName = spans.stream().collect(Collectors.toMap(Span::getName, s -> s));
    assertEquals(List.of("chat gpt-4o", "execute_tool search", "invoke_agent research", "retrieval lookup"), byName.keySet().stream().sorted().toList());

    Span root = byName.get("invoke_agent research");
    Span chat = byName.get("chat gpt-4o");
    Span tool = byName.get("execute_tool search");
    Span lookup = byName.get("retrieval lookup");
    assertTrue(root.getParentSpanId().isEmpty());
    for (Span child : List.of(chat, tool, lookup)) {
      assertEquals(OtlpParsing.hex(root.getTraceId()), OtlpParsing.hex(child.getTraceId()));
      assertEquals(OtlpParsing.hex(root.getSpanId()), OtlpParsing.hex(child.getParentSpanId()), "parent link round-trips");
    }
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, chat.getKind());
    assertEquals(Span.SpanKind.SPAN_KIND_INTERNAL, tool.getKind());
    assertTrue(chat.getEndTimeUnixNano() >= chat.getStartTimeUnixNano() && chat.getStartTimeUnixNano() > 1_700_000_000_000_000_000L);

    Map<String, Object> llm = OtlpParsing.attributes(chat.getAttributesList());
    assertEquals("chat", llm.get("gen_ai.operation.name"));
    assertEquals("openai", llm.get("gen_ai.system"), "v1.36.0 unless the newest conventions are asked for");
    assertNull(llm.get("gen_ai.provider.name"));
    assertEquals("gpt-4o", llm.get("gen_ai.request.model"));
    assertEquals(1000L, llm.get("gen_ai.usage.input_tokens"));
    assertEquals(200L, llm.get("gen_ai.usage.output_tokens"));
    assertEquals("LLM", llm.get("openinference.span.kind"));
    assertEquals("gpt-4o", llm.get("llm.model_name"));
    assertEquals("openai", llm.get("llm.provider"));
    assertEquals(1000L, llm.get("llm.token_count.prompt"));
    assertEquals(200L, llm.get("llm.token_count.completion"));
    assertEquals(1200L, llm.get("llm.token_count.total"));
    assertEquals("{\"prompt\":\"summarize\"}", llm.get("input.value"));
    assertEquals("application/json", llm.get("input.mime_type"));
    assertEquals("\"blue\"", llm.get("output.value"));
    assertEquals(ExportTest.class.getName(), llm.get("code.namespace"));

    Map<String, Object> t = OtlpParsing.attributes(tool.getAttributesList());
    assertEquals("execute_tool", t.get("gen_ai.operation.name"));
    assertEquals("search", t.get("gen_ai.tool.name"));
    assertEquals("Web search", t.get("gen_ai.tool.description"));
    assertEquals("TOOL", t.get("openinference.span.kind"));
    assertEquals("search", t.get("tool.name"));
    assertEquals("{\"query\":\"sky [REDACTED:openai_key]\"}", t.get("input.value"));
    assertEquals("[\"rayleigh\"]", t.get("output.value"));
    assertNull(t.get("gen_ai.tool.call.arguments"), "not in v1.36.0");
    assertEquals("function", t.get("gen_ai.tool.type"));
    assertEquals("cache_miss", tool.getEvents(0).getName());
    assertEquals(1L, OtlpParsing.attributes(tool.getEvents(0).getAttributesList()).get("attempt"));

    Map<String, Object> agent = OtlpParsing.attributes(root.getAttributesList());
    assertEquals("invoke_agent", agent.get("gen_ai.operation.name"));
    assertEquals("research", agent.get("gen_ai.agent.name"));
    assertEquals("AGENT", agent.get("openinference.span.kind"));
    assertNull(agent.get("input.value"), "FULL_LOCAL: no content");

    Map<String, Object> retrieval = OtlpParsing.attributes(lookup.getAttributesList());
    assertEquals("RETRIEVER", retrieval.get("openinference.span.kind"));
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, lookup.getStatus().getCode());
    assertEquals("index offline", lookup.getStatus().getMessage());
    assertEquals("java.lang.IllegalStateException", retrieval.get("error.type"));
    assertEquals(Status.StatusCode.STATUS_CODE_UNSET, root.getStatus().getCode());
  }

  @Test
  void aRootSpanCarriesItsSessionUserAndTagsAsOpenInferenceAttributes() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = receiver(n -> new int[] {200}, bodies, Collections.synchronizedList(new ArrayList<>()));
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(OtlpHttpExporter.builder(endpoint(server)).build()).build());
    try (dev.tracewright.runtime.ActiveSpan root = Tracewright.span("checkout", dev.tracewright.annotations.SpanKind.AGENT).start()) {
      Tracewright.tag("checkout", "beta");
      Tracewright.session("s-1");
      Tracewright.user("u-7");
    }
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));
    Span root = OtlpParsing.parse(bodies.get(0)).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    Map<String, Object> attributes = OtlpParsing.attributes(root.getAttributesList());
    assertEquals("s-1", attributes.get("session.id"));
    assertEquals("u-7", attributes.get("user.id"));
    assertEquals(List.of("checkout", "beta"), attributes.get("tag.tags"), "an OTLP array of strings");
  }

  @Test
  void theNewestGenAiConventionsAreEmittedWhenTheUserOptsIn() throws Exception {
    assertEquals(GenAiConventions.LATEST, GenAiConventions.fromOptIn("http, gen_ai_latest_experimental"));
    assertEquals(GenAiConventions.V1_36, GenAiConventions.fromOptIn("http,database"));
    assertEquals(GenAiConventions.V1_36, GenAiConventions.fromOptIn(null));
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = receiver(n -> new int[] {200}, bodies, Collections.synchronizedList(new ArrayList<>()));
    OtlpHttpExporter otlp = OtlpHttpExporter.builder(endpoint(server)).build();
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(otlp).genAiConventions(GenAiConventions.LATEST).build());
    // What the LangChain4j and Spring AI integrations record for a model turn.
    Map<String, Object> messages = Map.of("gen_ai.input.messages", List.of(
        Map.of("role", "system", "parts", List.of(Map.of("type", "text", "content", "You are terse."))),
        Map.of("role", "user", "parts", List.of(Map.of("type", "text", "content", "Sky?")))));
    try (ActiveSpan chat = Tracewright.span("chat gpt-4o", SpanKind.LLM).model("gpt-4o").provider("openai")
        .capture(CapturePolicy.FULL_EXPORTABLE).input("gen_ai.input.messages", messages.get("gen_ai.input.messages")).start()) {
      chat.tokens(1000, 200).attribute("gen_ai.usage.cache_read.input_tokens", 600).attribute("gen_ai.usage.cache_creation.input_tokens", 100);
      chat.output(Map.of("gen_ai.output.messages", List.of(Map.of("role", "assistant", "finish_reason", "stop",
          "parts", List.of(Map.of("type", "text", "content", "Blue."))))));
    }
    SEARCH.begin().returned(List.of("rayleigh"));
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));

    List<Span> spans = new ArrayList<>();
    for (String body : bodies) {
      OtlpParsing.parse(body).getResourceSpansList().forEach(rs -> spans.addAll(rs.getScopeSpans(0).getSpansList()));
    }
    Map<String, Span> byName = spans.stream().collect(Collectors.toMap(Span::getName, s -> s));
    Map<String, Object> llm = OtlpParsing.attributes(byName.get("chat gpt-4o").getAttributesList());
    assertEquals("openai", llm.get("gen_ai.provider.name"));
    assertNull(llm.get("gen_ai.system"));
    assertEquals(600L, llm.get("gen_ai.usage.cache_read.input_tokens"));
    assertEquals(100L, llm.get("gen_ai.usage.cache_creation.input_tokens"));
    JsonNode system = new ObjectMapper().readTree((String) llm.get("gen_ai.system_instructions"));
    assertEquals("You are terse.", system.path(0).path("content").asText(), "the system message apart from the chat history");
    JsonNode history = new ObjectMapper().readTree((String) llm.get("gen_ai.input.messages"));
    assertEquals(1, history.size(), "the chat history without the system message: " + history);
    assertEquals("user", history.path(0).path("role").asText());
    assertEquals("Sky?", history.path(0).path("parts").path(0).path("content").asText());
    assertEquals("Blue.", new ObjectMapper().readTree((String) llm.get("gen_ai.output.messages")).path(0).path("parts").path(0).path("content").asText());
    Map<String, Object> tool = OtlpParsing.attributes(byName.get("execute_tool search").getAttributesList());
    assertEquals("[\"rayleigh\"]", tool.get("gen_ai.tool.call.result"));
  }

  @Test
  void inVersionOneThirtySixTheNewerNamesAUserOrIntegrationStoredAreLeftOut() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = receiver(n -> new int[] {200}, bodies, Collections.synchronizedList(new ArrayList<>()));
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(OtlpHttpExporter.builder(endpoint(server)).build())
        .genAiConventions(GenAiConventions.V1_36).build());
    try (ActiveSpan chat = Tracewright.span("chat", SpanKind.LLM).model("gpt-4o").provider("openai").start()) {
      chat.tokens(1000, 200).attribute("gen_ai.usage.cache_read.input_tokens", 600).attribute("gen_ai.provider.name", "openai");
    }
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));
    Map<String, Object> llm = OtlpParsing.attributes(OtlpParsing.parse(bodies.get(0)).getResourceSpans(0).getScopeSpans(0).getSpans(0).getAttributesList());
    assertEquals("openai", llm.get("gen_ai.system"));
    assertNull(llm.get("gen_ai.provider.name"));
    assertNull(llm.get("gen_ai.usage.cache_read.input_tokens"));
    assertEquals(600L, llm.get("llm.token_count.prompt_details.cache_read"), "OpenInference's name carries it");
  }

  @Test
  void retriesOnlyRetryableStatusesHonouringRetryAfterAndCountsPartialSuccess() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    List<Long> times = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = receiver(n -> switch (n) {
      case 1 -> new int[] {503};
      case 2 -> new int[] {429, 1};
      default -> new int[] {200, 0, 1};
    }, bodies, times);
    OtlpHttpExporter otlp = OtlpHttpExporter.builder(endpoint(server)).maxBackoff(Duration.ofSeconds(5)).build();
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(otlp).build());
    recordRun();
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));

    assertEquals(3, bodies.size(), "503 and 429 retried, then accepted");
    assertEquals(bodies.get(0), bodies.get(2), "the same batch each time");
    long waitedAfter429 = Duration.ofNanos(times.get(2) - times.get(1)).toMillis();
    assertTrue(waitedAfter429 >= 900, "Retry-After: 1 was honoured, waited " + waitedAfter429 + " ms");
    assertEquals(new OtlpHttpExporter.Stats(3, 1, 0), otlp.stats());
  }

  @Test
  void nonRetryableFailuresAndTimeoutsFailTheBatchWithoutTouchingTheAgent() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer badRequest = receiver(n -> new int[] {400}, bodies, Collections.synchronizedList(new ArrayList<>()));
    HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    slow.createContext("/v1/traces", exchange -> {
      try {
        Thread.sleep(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    slow.start();
    servers.add(slow);
    OtlpHttpExporter rejecting = OtlpHttpExporter.builder(endpoint(badRequest)).build();
    OtlpHttpExporter timingOut = OtlpHttpExporter.builder(endpoint(slow)).timeout(Duration.ofMillis(300)).build();
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).exporter(rejecting).exporter(timingOut).build());

    recordRun();
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)), "the store is flushed whatever the exporters do");
    assertEquals(4, store.spans().size());
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));

    assertEquals(1, bodies.size(), "400 is not retried");
    assertEquals(new OtlpHttpExporter.Stats(0, 0, 4), rejecting.stats());
    assertEquals(new OtlpHttpExporter.Stats(0, 0, 4), timingOut.stats());
  }

  @Test
  void aBadEndpointIsAClearConfigurationError() {
    for (String bad : List.of("localhost:4318", "ftp://collector:21", "", "http://")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OtlpHttpExporter.builder(bad));
      assertTrue(e.getMessage().startsWith("OTLP endpoint must be an http(s) URL such as http://localhost:4318"), e.getMessage());
    }
    assertEquals("http://collector:4318/v1/traces", OtlpHttpExporter.builder("http://collector:4318/").build().uri().toString());
    assertEquals("http://collector:4318/v1/traces", OtlpHttpExporter.builder("http://collector:4318/v1/traces").build().uri().toString());
  }

  @Test
  void jsonlFileExporterWritesOneSpanPerLine() throws Exception {
    Path file = dir.resolve("out/spans.jsonl");
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(new JsonlFileExporter(file)).build());
    recordRun();
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));
    List<String> lines = Files.readAllLines(file);
    assertEquals(4, lines.size());
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, com.fasterxml.jackson.databind.JsonNode> byName = new java.util.HashMap<>();
    for (String line : lines) {
      com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
      byName.put(node.get("name").asText(), node);
    }
    assertEquals("\"blue\"", byName.get("chat").get("output").asText());
    assertFalse(byName.get("research").has("input"), "FULL_LOCAL content stays home");
    assertEquals("cache_miss", byName.get("search").get("events").get(0).get("name").asText());
  }

  @Test
  void exporterQueueNeverBlocksTheAgent() {
    ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
    SpanExporter stuck = batch -> {
      seen.add(batch.spans().size());
      Thread.sleep(60_000);
    };
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(stuck).build());
    for (int i = 0; i < 2_000; i++) {
      try (ActiveSpan s = Tracewright.span("work", SpanKind.STEP).start()) {
        s.attribute("i", i);
      }
    }
    assertTrue(Tracewright.flush(Duration.ofSeconds(30)), "the store flushes while the exporter is stuck");
    assertEquals(2_000, Tracewright.stats().persisted());
    assertTrue(!Tracewright.shutdown(Duration.ofMillis(200)), "a stuck exporter cannot finish; shutdown returns anyway");
  }
}
