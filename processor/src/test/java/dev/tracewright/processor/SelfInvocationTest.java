package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfInvocationTest extends TracingTest {

  static final Compiled AGENT =
      Compiled.compile(
          "package com.acme;",
          "import dev.tracewright.annotations.*;",
          "public class ResearchAgent {",
          "  @Agent public String research(String question, int depth) {",
          "    return summarize(search(question) + \"/\" + depth);",
          "  }",
          "  @Tool(description = \"Searches the web\") public String search(String query) { return \"found:\" + query; }",
          "  @LlmCall(model = \"gpt-4o\", provider = \"openai\") protected String summarize(String text) { return text.toUpperCase(); }",
          "}");

  @Test
  void agentCallingItsOwnToolsGivesNestedSpans() throws Throwable {
    Object agent = AGENT.create("com.acme.ResearchAgentTraced");

    Object answer = Compiled.call(agent, "research", "sky", 2);

    assertEquals("FOUND:SKY/2", answer);
    InMemoryStore store = recorded();
    SpanRecord root = store.span("research");
    assertNull(root.parentSpanId());
    assertEquals(SpanKind.AGENT, root.kind());
    assertEquals(SpanRecord.OK, root.status());
    assertEquals("com.acme.ResearchAgent", root.codeNamespace());
    assertEquals("research", root.codeFunction());
    assertEquals("{\"question\":\"sky\",\"depth\":2}", root.inputPreview());
    assertEquals("\"FOUND:SKY/2\"", root.outputPreview());
    assertEquals(Thread.currentThread().getName(), root.threadName());

    List<SpanRecord> children = store.children(root);
    assertEquals(List.of("search", "summarize"), children.stream().map(SpanRecord::name).toList());
    SpanRecord search = children.get(0);
    assertEquals(SpanKind.TOOL, search.kind());
    assertEquals("Searches the web", search.attributes().get("gen_ai.tool.description"));
    SpanRecord llm = children.get(1);
    assertEquals(SpanKind.LLM, llm.kind());
    assertEquals("gpt-4o", llm.model());
    assertEquals("openai", llm.provider());
    assertTrue(children.stream().allMatch(c -> c.traceId().equals(root.traceId())));

    assertEquals(1, store.traces().size());
    assertEquals(3, store.traces().get(0).spanCount());
    assertEquals(root.spanId(), store.traces().get(0).rootSpanId());
  }
}
