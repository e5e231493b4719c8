package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The span lifecycle through the same entry point generated code uses. */
class RecordingCoreTest {
  static final TracedCall.Site AGENT = TracedCall.site(RecordingCoreTest.class, "run", SpanKind.AGENT, "run").parameters("question");
  static final TracedCall.Site LLM =
      TracedCall.site(RecordingCoreTest.class, "ask", SpanKind.LLM, "ask").model("gpt-4o").provider("openai");

  final InMemoryStore store = new InMemoryStore();

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private InMemoryStore recorded() {
    assertTrue(Tracewright.flush());
    return store;
  }

  @Test
  void beforeInitEverythingIsANoOp() {
    Tracewright.shutdown();
    TracedCall call = AGENT.begin();
    assertFalse(call.capturesInput());
    assertEquals("x", call.returned("x"));
    assertFalse(Tracewright.current().isRecording());
    assertSame(Tracewright.current(), Tracewright.current().attribute("k", "v").tokens(1, 2).cost(1).event("e"));
    assertTrue(Tracewright.traceparent().isEmpty());
    assertEquals(TraceStats.EMPTY, Tracewright.stats());
  }

  @Test
  void spanRecordsIdsTimesStatusAndCurrentSpanCalls() {
    Tracewright.init(TraceConfig.builder().store(store).build());

    TracedCall root = AGENT.begin();
    root.input("why?");
    TracedCall llm = LLM.begin();
    CurrentSpan current = Tracewright.current();
    current.attribute("temperature", 0.2).attribute("stream", false).attribute("user", "alice");
    current.tokens(1200, 300).model("gpt-4o-2024-08-06");
    current.event("retry", Map.of("attempt", 1)).event("done");
    llm.returned("answer");
    root.returned("final");

    List<SpanRecord> spans = recorded().spans();
    assertEquals(2, spans.size());
    SpanRecord ask = store.span("ask");
    SpanRecord run = store.span("run");
    assertTrue(run.spanId().matches("[0-9a-f]{16}"), run.spanId());
    assertTrue(run.traceId().matches("[0-9a-f]{32}"), run.traceId());
    assertEquals(run.traceId(), ask.traceId());
    assertEquals(run.spanId(), ask.parentSpanId());
    assertTrue(ask.spanId().compareTo(run.spanId()) > 0, "span IDs are time-ordered");
    assertFalse(run.startTime().isAfter(ask.startTime()));
    assertFalse(ask.endTime().isAfter(run.endTime()));
    assertEquals(ask.durationNanos(), java.time.Duration.between(ask.startTime(), ask.endTime()).toNanos());
    assertEquals("gpt-4o-2024-08-06", ask.model());
    assertEquals("openai", ask.provider());
    assertEquals(1200L, ask.inputTokens());
    assertEquals(300L, ask.outputTokens());
    assertEquals((1200 * 2.50 + 300 * 10.00) / 1e6, ask.costUsd(), 1e-12, "priced as gpt-4o by prefix");
    assertEquals(Map.of("temperature", 0.2, "stream", false, "user", "alice", "gen_ai.operation.name", "chat"), ask.attributes());
    List<EventRecord> events = store.events(ask);
    assertEquals(List.of("retry", "done"), events.stream().map(EventRecord::name).toList());
    assertEquals(List.of(0, 1), events.stream().map(EventRecord::seq).toList());
    assertEquals(Map.of("attempt", 1), events.get(0).attributes());

    TraceRecord trace = store.trace(run.traceId()).orElseThrow();
    assertEquals("run", trace.name());
    assertEquals(2, trace.spanCount());
    assertEquals(0, trace.errorCount());
    assertEquals(1200, trace.inputTokens());
    assertEquals(300, trace.outputTokens());
    assertEquals(ask.costUsd(), trace.costUsd(), 1e-12);
    assertEquals(run.spanId(), trace.rootSpanId());
    assertEquals("OK", trace.status());
  }

  @Test
  void explicitCostWinsAndUnknownModelsHaveNoCost() {
    Tracewright.init(TraceConfig.builder().store(store).build());
    TracedCall a = LLM.begin();
    Tracewright.current().tokens(10, 10).cost(0.5);
    a.returned();
    TracedCall b = LLM.begin();
    Tracewright.current().tokens(10, 10).model("my-local-llama");
    b.returned();

    List<SpanRecord> spans = recorded().spans();
    assertEquals(0.5, spans.get(0).costUsd());
    assertNull(spans.get(1).costUsd());
  }

  @Test
  void errorsMarkSpanAndTrace() {
    Tracewright.init(TraceConfig.builder().store(store).build());
    TracedCall root = AGENT.begin();
    TracedCall child = LLM.begin();
    child.threw(new IllegalStateException("quota exceeded"));
    root.threw(new RuntimeException("agent gave up"));

    SpanRecord ask = recorded().span("ask");
    assertEquals("ERROR", ask.status());
    assertEquals("java.lang.IllegalStateException", ask.errorType());
    assertEquals("quota exceeded", ask.errorMessage());
    TraceRecord trace = store.traces().get(0);
    assertEquals("ERROR", trace.status());
    assertEquals(2, trace.errorCount());
  }

  @Test
  void currentSpanCallsAfterTheEndAreIgnored() {
    Tracewright.init(TraceConfig.builder().store(store).build());
    TracedCall call = LLM.begin();
    CurrentSpan span = Tracewright.current();
    call.returned();
    span.attribute("late", true).tokens(5, 5);

    SpanRecord ask = recorded().span("ask");
    assertEquals(Map.of("gen_ai.operation.name", "chat"), ask.attributes(), "only what every LLM span carries");
    assertNull(ask.inputTokens());
    assertFalse(Tracewright.current().isRecording(), "nothing is current after the span ended");
  }

  @Test
  void siblingTracesGetDistinctTraceIds() {
    Tracewright.init(TraceConfig.builder().store(store).build());
    AGENT.begin().returned();
    AGENT.begin().returned();
    List<SpanRecord> spans = recorded().spans();
    assertNotEquals(spans.get(0).traceId(), spans.get(1).traceId());
    assertEquals(2, store.traces().size());
  }

  @Test
  void unclosedHandMadeSpanDoesNotMisparentLaterSpans() {
    Tracewright.init(TraceConfig.builder().store(store).build());
    TracedCall root = AGENT.begin();
    Tracewright.span("leaked", SpanKind.STEP).start(); // never closed
    root.returned();
    TracedCall next = LLM.begin();
    next.returned();

    assertNull(recorded().span("ask").parentSpanId(), "the leak was cleared with its parent");
  }

  @Test
  void configBuilderFailsFastOnBadValues() {
    assertThrows(IllegalStateException.class, () -> TraceConfig.builder().build());
    assertThrows(IllegalArgumentException.class, () -> TraceConfig.builder().queueCapacity(0));
    assertThrows(IllegalArgumentException.class, () -> TraceConfig.builder().capturePolicy(dev.tracewright.annotations.CapturePolicy.DEFAULT));
    assertThrows(NullPointerException.class, () -> TraceConfig.builder().store(null));
    assertThrows(IllegalArgumentException.class, () -> Sampler.ratio(1.5));
  }

  @Test
  void aTraceOfOneSpanCountsItsRootAlone() {
    Tracewright.init(TraceConfig.builder().store(store).build());

    TracedCall llm = LLM.begin();
    Tracewright.current().tokens(1000, 100);
    llm.threw(new IllegalStateException("rate limited"));

    SpanRecord ask = recorded().span("ask");
    TraceRecord trace = store.trace(ask.traceId()).orElseThrow();
    assertEquals(ask.spanId(), trace.rootSpanId());
    assertEquals(1, trace.spanCount());
    assertEquals(1, trace.errorCount());
    assertEquals("ERROR", trace.status());
    assertEquals(1000, trace.inputTokens());
    assertEquals(100, trace.outputTokens());
    assertEquals(ask.costUsd(), trace.costUsd(), 1e-12);
  }

  @Test
  void aSpanEndingAfterItsRootUpdatesTheTraceRow() throws Exception {
    Tracewright.init(TraceConfig.builder().store(store).build());

    TracedCall root = AGENT.begin();
    TracedCall llm = LLM.begin();
    Tracewright.current().tokens(10, 20);
    root.returned("answered before the model call finished");
    TraceRecord closed = recorded().trace(store.span("run").traceId()).orElseThrow();
    assertEquals(1, closed.spanCount(), "the root closed the trace");
    assertEquals(0, closed.inputTokens());

    Thread late = new Thread(() -> llm.returned("late"));
    late.start();
    late.join();

    TraceRecord trace = recorded().trace(store.span("run").traceId()).orElseThrow();
    assertEquals(2, trace.spanCount(), "root and late span");
    assertEquals(10, trace.inputTokens());
    assertEquals(20, trace.outputTokens());
    assertEquals(store.span("run").spanId(), store.span("ask").parentSpanId());
  }

  @Test
  void aSampledTraceTooBigToHoldIsKeptAndStreamed() {
    Tracewright.init(TraceConfig.builder().store(store).sampler(Sampler.ratio(0.0).keepErrors(false)).queueCapacity(32_768).build());

    TracedCall root = AGENT.begin();
    int children = TraceState.MAX_BUFFERED_SPANS + 5;
    for (int i = 0; i < children; i++) {
      LLM.begin().returned("x");
    }
    root.returned("done");

    assertEquals(children + 1, recorded().spans().size(), "decided early (kept) instead of held without bound");
    TraceRecord trace = store.trace(store.span("run").traceId()).orElseThrow();
    assertEquals(children + 1, trace.spanCount());
    assertEquals(0, Tracewright.stats().sampledOut());
  }

  @Test
  void childrenEndingOnManyThreadsWhileTheirRootEndsAreAllCounted() throws Exception {
    Tracewright.init(TraceConfig.builder().store(store).queueCapacity(16_384).build());
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    TracedCall root = AGENT.begin();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(Tracewright.wrap(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < perThread; i++) {
          TracedCall llm = LLM.begin();
          Tracewright.current().tokens(1, 2);
          llm.returned("x");
        }
      })));
    }
    go.countDown();
    root.returned("ends while its children are still being recorded");
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();

    int expected = threads * perThread + 1;
    assertEquals(expected, recorded().spans().size());
    String traceId = store.span("run").traceId();
    assertTrue(store.spans().stream().allMatch(s -> s.traceId().equals(traceId)));
    TraceRecord trace = store.trace(traceId).orElseThrow();
    assertEquals(expected, trace.spanCount(), "the last row written counts every span, whichever ended last");
    assertEquals(threads * perThread, trace.inputTokens());
    assertEquals(2L * threads * perThread, trace.outputTokens());
    assertEquals(0, Tracewright.stats().internalErrors());
  }
}
