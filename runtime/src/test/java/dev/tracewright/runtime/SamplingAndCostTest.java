package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.capture.PricingTable;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplingAndCostTest {
  final InMemoryStore store = new InMemoryStore();

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private InMemoryStore recorded() {
    assertTrue(Tracewright.flush());
    return store;
  }

  /** A root with three children, one failing if asked, on this thread. */
  private static void trace(String name, boolean fail) {
    try (ActiveSpan root = Tracewright.span(name, SpanKind.AGENT).start()) {
      for (int i = 0; i < 3; i++) {
        try (ActiveSpan child = Tracewright.span(name + "-child", SpanKind.TOOL).start()) {
          if (fail && i == 1) {
            child.error(new IllegalStateException("tool failed"));
          }
        }
      }
    }
  }

  @Test
  void ratioZeroDropsWholeTracesButKeepsErrorTracesWhole() {
    Tracewright.init(TraceConfig.builder().store(store).sampler(Sampler.ratio(0.0)).build());
    for (int i = 0; i < 20; i++) {
      trace("ok", false);
    }
    trace("bad", true);

    assertEquals(Set.of("bad", "bad-child"), Set.copyOf(recorded().names()));
    assertEquals(4, store.spans().size(), "the kept trace is whole");
    assertEquals(1, store.traces().size());
    assertEquals(80, Tracewright.stats().sampledOut(), "dropped traces leave nothing");
  }

  @Test
  void slowTracesAreKept() throws Exception {
    Tracewright.init(TraceConfig.builder().store(store).sampler(Sampler.ratio(0.0).keepErrors(false).keepSlowerThan(Duration.ofMillis(500))).build());
    trace("fast", true);
    try (ActiveSpan slow = Tracewright.span("slow", SpanKind.AGENT).start()) {
      Thread.sleep(600); // well apart from the fast trace, which a GC pause on a busy machine may slow
    }
    assertEquals(java.util.List.of("slow"), recorded().names());
  }

  @Test
  void ratioKeepsAboutThatShareAndDecidesPerTrace() {
    Tracewright.init(TraceConfig.builder().store(store).sampler(Sampler.ratio(0.25)).build());
    int traces = 2_000;
    for (int i = 0; i < traces; i++) {
      trace("t", false);
    }
    recorded();
    Map<String, Long> spansPerTrace = store.spans().stream().collect(Collectors.groupingBy(SpanRecord::traceId, Collectors.counting()));
    assertTrue(spansPerTrace.values().stream().allMatch(n -> n == 4), "every kept trace is complete");
    double kept = spansPerTrace.size() / (double) traces;
    assertTrue(kept > 0.18 && kept < 0.32, "kept share " + kept);
  }

  @Test
  void pricingCanBeOverriddenInCodeAndFromAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, "{\"asOf\":\"2026-11-01\",\"models\":{\"my-local-model\":{\"input\":1.0,\"output\":2.0}}}");
    PricingTable pricing = PricingTable.bundled().with(PricingTable.fromFile(file)).with("gpt-4o", 5.0, 20.0);
    Tracewright.init(TraceConfig.builder().store(store).pricing(pricing).build());

    Tracewright.span("a", SpanKind.LLM).model("my-local-model").run(() -> Tracewright.current().tokens(1_000_000, 1_000_000));
    Tracewright.span("b", SpanKind.LLM).model("gpt-4o").run(() -> Tracewright.current().tokens(1_000_000, 0));

    assertEquals(3.0, recorded().span("a").costUsd(), 1e-9);
    assertEquals(5.0, store.span("b").costUsd(), 1e-9);
    Files.writeString(file, "{\"models\":{\"x\":{\"input\":\"cheap\"}}}");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> PricingTable.fromFile(file));
    assertTrue(bad.getMessage().contains("'x'"), bad.getMessage());
  }

  @Test
  void cacheReadsWritesAndReasoningRecordedAsAttributesArePriced() {
    Tracewright.init(TraceConfig.builder().store(store).build());
    Tracewright.span("cached", SpanKind.LLM).model("gpt-6.2-sol").run(() -> Tracewright.current()
        .tokens(100_000, 2_000)
        .attribute("gen_ai.usage.cache_read.input_tokens", 60_000)
        .attribute("gen_ai.usage.cache_creation.input_tokens", 10_000L)
        .attribute("gen_ai.usage.reasoning.output_tokens", "1500"));
    Tracewright.span("unknown", SpanKind.LLM).model("my-local-model").run(() -> Tracewright.current().tokens(1_000, 10));

    assertEquals((30_000 * 2.00 + 60_000 * 0.10 + 10_000 * 2.50 + 2_000 * 10.00) / 1e6, recorded().span("cached").costUsd(), 1e-12);
    assertNull(store.span("unknown").costUsd(), "unknown model: no cost, not $0");
  }

  @Test
  void aPricingFileInTheConfigIsMergedAndABrokenOneDoesNotStopStartUp(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, "{\"models\":{\"my-local-model\":{\"input\":1.0,\"output\":2.0}}}");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "not json");
    Tracewright.init(TraceConfig.builder().store(store).pricingFile(file).pricingFile(broken).build());
    Tracewright.span("a", SpanKind.LLM).model("my-local-model").run(() -> Tracewright.current().tokens(1_000_000, 1_000_000));
    Tracewright.span("b", SpanKind.LLM).model("gpt-4o").run(() -> Tracewright.current().tokens(1_000_000, 0));

    assertEquals(3.0, recorded().span("a").costUsd(), 1e-9);
    assertEquals(2.5, store.span("b").costUsd(), 1e-9, "bundled prices still apply");
  }

  record Reply(String text, long inputTokens, long outputTokens, String responseModel) implements TokenUsage {}

  @Test
  void llmResultThatReportsUsageFillsTokensModelAndCost() throws Exception {
    Tracewright.init(TraceConfig.builder().store(store).build());
    TracedCall.Site site = TracedCall.site(SamplingAndCostTest.class, "chat", SpanKind.LLM, "chat").model("gpt-4o");

    Reply reply = new Reply("hi", 2_000, 100, "gpt-4o-mini-2024-07-18");
    assertEquals(reply, site.begin().returned(reply));

    SpanRecord chat = recorded().span("chat");
    assertEquals(2_000L, chat.inputTokens());
    assertEquals(100L, chat.outputTokens());
    assertEquals("gpt-4o-mini-2024-07-18", chat.model());
    assertEquals((2_000 * 0.15 + 100 * 0.60) / 1e6, chat.costUsd(), 1e-12);
  }
}
