package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * One golden file per shape, so a change to what users step through in the debugger is a visible
 * diff. Behaviour is tested functionally elsewhere; this pins readability.
 */
class GoldenTest {

  @Test
  void classWrapper() {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "import java.io.IOException;",
            "import java.util.concurrent.CompletableFuture;",
            "public class ResearchAgent {",
            "  public ResearchAgent(String name) {}",
            "  @Agent public String research(String question, int depth) throws IOException { return question; }",
            "  @Tool(description = \"Searches the web\") public String search(@NoCapture String apiKey, String query) { return query; }",
            "  @LlmCall(model = \"gpt-4o\", provider = \"openai\", capture = dev.tracewright.annotations.CapturePolicy.METADATA_ONLY)",
            "  public CompletableFuture<String> ask(String prompt) { return CompletableFuture.completedFuture(prompt); }",
            "  @Step(kind = dev.tracewright.annotations.SpanKind.MEMORY) @NoCapture public void remember(String... notes) {}",
            "}");
    assertEquals(golden("ResearchAgentTraced.java"), c.generatedSource("com.acme.ResearchAgentTraced"));
  }

  @Test
  void interfaceWrapper() {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "import java.util.List;",
            "public interface SearchTool<D> {",
            "  @Retrieval List<D> search(String query, int limit);",
            "  int size();",
            "}");
    assertEquals(golden("SearchToolTraced.java"), c.generatedSource("com.acme.SearchToolTraced"));
  }

  /** Regenerate by copying the generated source over the file when a change is intended. */
  private static String golden(String name) {
    try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
