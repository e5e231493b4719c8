package dev.tracewright.handmade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spans started by hand, from a class outside the runtime's packages (as a user's or a framework
 * hook's are): the GenAI attributes of their kind, and the code that started them.
 */
class HandMadeSpanAttributesTest {
  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private static SpanRecord named(InMemoryStore store, String name) {
    return store.spans().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aHandMadeSpanCarriesItsKindsGenAiAttributesAndItsCallersMethod() {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).build());
    try (ActiveSpan agent = Tracewright.span("planner", SpanKind.AGENT).start()) {
      try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).attribute("gen_ai.tool.call.id", "call_1").start()) {
        tool.output(42);
      }
      try (ActiveSpan llm = Tracewright.span("chat gpt-4o", SpanKind.LLM).model("gpt-4o").code(null, null).start()) {
        llm.tokens(10, 2);
      }
      try (ActiveSpan step = Tracewright.span("tidy", SpanKind.STEP).start()) {
        step.attribute("k", "v");
      }
    }
    Tracewright.flush();

    SpanRecord tool = named(store, "search");
    assertEquals(Map.of("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "search", "gen_ai.tool.type", "function",
        "gen_ai.tool.call.id", "call_1"), tool.attributes());
    assertEquals(HandMadeSpanAttributesTest.class.getName(), tool.codeNamespace());
    // Before: code.function was the span's name.
    assertEquals("aHandMadeSpanCarriesItsKindsGenAiAttributesAndItsCallersMethod", tool.codeFunction());

    SpanRecord llm = named(store, "chat gpt-4o");
    assertEquals(Map.of("gen_ai.operation.name", "chat"), llm.attributes());
    assertNull(llm.codeNamespace(), "a framework hook's span stands for no method of the user's");
    assertNull(llm.codeFunction());
    assertEquals(Map.of("gen_ai.operation.name", "invoke_agent"), named(store, "planner").attributes());
    assertEquals(Map.of("k", "v"), named(store, "tidy").attributes(), "a kind without a GenAI operation gets nothing added");
  }

  @Test
  void aConversationMarksTheRunningTraceAndTracesStartedUntilItsScopeCloses() throws Exception {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).build());
    java.util.concurrent.ExecutorService pool = Tracewright.wrap(java.util.concurrent.Executors.newSingleThreadExecutor());
    try {
      try (ActiveSpan agent = Tracewright.span("first", SpanKind.AGENT).start()) {
        Tracewright.conversation("conv-1").close(); // as a framework hook marks the call it sees start
        pool.submit(() -> Tracewright.span("on-pool", SpanKind.TOOL).start().close()).get();
      }
      try (Tracewright.ConversationScope scope = Tracewright.conversation("conv-2")) {
        try (ActiveSpan agent = Tracewright.span("second", SpanKind.AGENT).start()) {
          Tracewright.span("llm", SpanKind.LLM).start().close();
          Tracewright.span("step", SpanKind.STEP).start().close();
        }
      }
      Tracewright.span("after", SpanKind.AGENT).start().close();
    } finally {
      pool.shutdownNow();
    }
    Tracewright.flush();
    String key = "gen_ai.conversation.id";
    assertEquals("conv-1", named(store, "first").attributes().get(key));
    assertEquals("conv-1", named(store, "on-pool").attributes().get(key), "a span of the trace on another thread");
    assertEquals("conv-2", named(store, "second").attributes().get(key));
    assertEquals("conv-2", named(store, "llm").attributes().get(key));
    assertNull(named(store, "step").attributes().get(key), "only spans GenAI names get it");
    assertNull(named(store, "after").attributes().get(key), "the scope closed before this trace");
  }
}
