package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TraceStats;
import dev.tracewright.runtime.Tracewright;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC §8: queued content is bounded in bytes; over the budget a span keeps its metadata only. */
@Timeout(60)
class ContentBudgetTest {
  @AfterEach
  void stop() {
    Tracewright.shutdown(Duration.ofSeconds(2));
  }

  @Test
  void contentOverTheBudgetIsReplacedByAMarkerAndCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    InMemoryStore kept = new InMemoryStore();
    TraceStore store =
        batch -> {
          release.await();
          kept.write(batch);
        };
    Tracewright.init(TraceConfig.builder().store(store).queuedContentBytes(100_000).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    String value = "x".repeat(30_000);

    for (int i = 0; i < 10; i++) { // the store holds everything back: ten spans of ~30 KB queue up
      try (ActiveSpan span = Tracewright.span("big", SpanKind.LLM).input("prompt", value).start()) {
        span.output(value);
      }
    }
    TraceStats during = Tracewright.stats();
    release.countDown();
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)), "spans without content are still durable");

    TraceStats stats = Tracewright.stats();
    assertEquals(10, stats.persisted(), "every span is kept: " + stats);
    assertTrue(during.contentDropped() >= 8, "at most one 60 KB span fits in 100 KB: " + during);
    assertEquals(during.contentDropped(), stats.contentDropped());
    List<SpanRecord> spans = kept.spans();
    long withMarker = spans.stream().filter(s -> s.inputPreview().contains("$contentDropped")).count();
    assertEquals(stats.contentDropped(), withMarker);
    assertTrue(spans.stream().filter(s -> !s.inputPreview().contains("$contentDropped")).allMatch(s -> s.inputRef() != null));
    assertTrue(spans.stream().allMatch(s -> s.name().equals("big") && s.kind() == SpanKind.LLM), "metadata kept");

    // The budget is free again once written: the next span keeps its content.
    try (ActiveSpan span = Tracewright.span("after", SpanKind.LLM).input("prompt", value).start()) {
      span.output(value);
    }
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)));
    assertEquals(stats.contentDropped(), Tracewright.stats().contentDropped());
    assertFalse(kept.spans().get(10).inputPreview().contains("$contentDropped"));
  }
}
