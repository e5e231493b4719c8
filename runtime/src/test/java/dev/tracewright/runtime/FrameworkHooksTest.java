package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The small hooks framework integrations build on: detached spans, whole-input capture, next-span attributes. */
class FrameworkHooksTest {
  static final TracedCall.Site TOOL = TracedCall.site(FrameworkHooksTest.class, "lookup", SpanKind.TOOL, "lookup");
  final InMemoryStore store = new InMemoryStore();

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private void init(CapturePolicy policy) {
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(policy).build());
  }

  @Test
  void aDetachedSpanIsAChildOfTheCurrentSpanButNeverTheParentOfLaterSpans() throws Exception {
    init(CapturePolicy.FULL_LOCAL);
    try (ActiveSpan agent = Tracewright.span("agent", SpanKind.AGENT).start()) {
      ActiveSpan llm = Tracewright.span("llm", SpanKind.LLM).startDetached();
      assertEquals(agent.spanId(), Tracewright.current().spanId(), "the detached span is not current");
      Tracewright.span("sibling", SpanKind.STEP).run(() -> {});
      CompletableFuture.runAsync(() -> llm.output("streamed reply").close()).get(); // ended by another thread
    }
    assertTrue(Tracewright.flush());

    SpanRecord agent = store.span("agent");
    assertEquals(agent.spanId(), store.span("llm").parentSpanId());
    assertEquals(agent.spanId(), store.span("sibling").parentSpanId());
    assertEquals("\"streamed reply\"", store.span("llm").outputPreview());
    assertEquals(1, store.traces().size());
  }

  @Test
  void captureInputFollowsThePolicy() {
    init(CapturePolicy.FULL_LOCAL);
    try (ActiveSpan span = Tracewright.span("full", SpanKind.LLM).start()) {
      assertTrue(span.capturesContent());
      span.captureInput(Map.of("messages", List.of("hello")));
    }
    Tracewright.span("metadata", SpanKind.LLM).capture(CapturePolicy.METADATA_ONLY).run(() -> {
      ActiveSpan inner = Tracewright.span("inner", SpanKind.LLM).capture(CapturePolicy.METADATA_ONLY).start();
      assertFalse(inner.capturesContent());
      inner.captureInput("secret prompt").close();
    });
    assertTrue(Tracewright.flush());

    assertEquals("{\"messages\":[\"hello\"]}", store.span("full").inputPreview());
    assertNull(store.span("inner").inputPreview());
  }

  @Test
  void nextSpanAttributesGoToTheNextSpanOnlyAndCanBeCleared() {
    init(CapturePolicy.FULL_LOCAL);
    try (ActiveSpan agent = Tracewright.span("agent", SpanKind.AGENT).start()) {
      assertFalse(Tracewright.nextSpanAttributes(Map.of("gen_ai.tool.call.id", "call_1")));
      TOOL.begin().returned(); // the hook's tool span
      TOOL.begin().returned(); // a later one carries nothing

      Tracewright.nextSpanAttributes(Map.of("gen_ai.tool.call.id", "call_2"));
      assertTrue(Tracewright.nextSpanAttributes(null), "still waiting: no span started since");
      TOOL.begin().returned();
    }
    assertTrue(Tracewright.flush());

    List<SpanRecord> tools = store.spans().stream().filter(s -> s.name().equals("lookup")).toList();
    assertEquals(3, tools.size());
    assertEquals("call_1", tools.get(0).attributes().get("gen_ai.tool.call.id"));
    assertFalse(tools.get(1).attributes().containsKey("gen_ai.tool.call.id"));
    assertFalse(tools.get(2).attributes().containsKey("gen_ai.tool.call.id"));
  }

  @Test
  void aDiscardedSpanIsNeverStoredAndLeavesItsTraceWhole() {
    init(CapturePolicy.FULL_LOCAL);
    try (ActiveSpan agent = Tracewright.span("agent", SpanKind.AGENT).start()) {
      ActiveSpan standIn = Tracewright.span("stand-in", SpanKind.TOOL).startDetached();
      ActiveSpan current = Tracewright.span("current", SpanKind.TOOL).start();
      current.discard();
      assertEquals(agent.spanId(), Tracewright.current().spanId(), "a discarded current span leaves the stack");
      standIn.discard();
      standIn.output("late").close();
    }
    assertTrue(Tracewright.flush());
    assertEquals(List.of("agent"), store.names());
    assertEquals(1, store.traces().get(0).spanCount());
  }

  @Test
  void hooksAreNoOpsBeforeInit() {
    assertFalse(Tracewright.nextSpanAttributes(Map.of("k", "v")));
    ActiveSpan span = Tracewright.span("x", SpanKind.LLM).startDetached();
    assertFalse(span.capturesContent());
    span.captureInput("x").close();
  }
}
