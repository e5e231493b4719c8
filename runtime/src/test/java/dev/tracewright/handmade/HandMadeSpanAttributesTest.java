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
}
