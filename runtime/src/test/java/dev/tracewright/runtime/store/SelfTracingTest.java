package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.OverflowPolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.export.SpanExporter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SPEC §8: Tracewright's own threads record nothing, so a store or exporter calling traced code neither loops nor deadlocks. */
@Timeout(120)
class SelfTracingTest {
  private static final TracedCall.Site HELPER = TracedCall.site(SelfTracingTest.class, "helper", SpanKind.TOOL, "helper");

  @AfterEach
  void stop() {
    Tracewright.shutdown(Duration.ofSeconds(2));
  }

  /** Traced code as a store or exporter might call it: a generated call and a hand-made span. */
  private static void tracedHelper() {
    TracedCall call = HELPER.begin();
    Tracewright.span("helper-inner", SpanKind.STEP).start().close();
    call.returned();
  }

  private static void recordSpans(int count) {
    for (int i = 0; i < count; i++) {
      Tracewright.span("app", SpanKind.TOOL).start().close();
    }
  }

  @ParameterizedTest
  @EnumSource(OverflowPolicy.class)
  void aStoreThatCallsTracedCodeRecordsNothingMore(OverflowPolicy policy) {
    InMemoryStore kept = new InMemoryStore();
    TraceStore store =
        batch -> {
          batch.spans().forEach(s -> tracedHelper());
          kept.write(batch);
        };
    Tracewright.init(TraceConfig.builder().store(store).overflowPolicy(policy).queueCapacity(2).batchSize(1).build());

    for (int i = 0; i < 50; i++) {
      recordSpans(1);
      if (policy == OverflowPolicy.DROP) {
        Tracewright.flush(Duration.ofSeconds(10)); // no span is dropped for room: only self-tracing could add any
      }
    }
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)), "no deadlock: the writer never waits for itself");
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)));
    assertEquals(50, Tracewright.stats().recorded(), "only the application's spans: " + Tracewright.stats());
    assertEquals(50, kept.spans().size());
    assertTrue(kept.spans().stream().allMatch(s -> s.name().equals("app")));
  }

  @Test
  void anExporterThatCallsTracedCodeRecordsNothingMore() throws Exception {
    AtomicLong exported = new AtomicLong();
    SpanExporter exporter =
        batch -> {
          batch.spans().forEach(s -> tracedHelper());
          exported.addAndGet(batch.spans().size());
        };
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).exporter(exporter).build());

    recordSpans(10);
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (exported.get() < 10 && System.nanoTime() < deadline) {
      Thread.sleep(20); // exports follow after a linger of about a second
    }
    assertEquals(10, exported.get());
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)));
    assertEquals(10, Tracewright.stats().recorded(), "the exporter's traced calls were not recorded: " + Tracewright.stats());
  }
}
