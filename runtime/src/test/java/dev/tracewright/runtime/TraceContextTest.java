package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A context captured on one thread continues its trace on others, later: entered for a while, or
 * named as the parent of one span. The threads here are real and know nothing of the trace.
 */
@Timeout(60)
class TraceContextTest {
  final InMemoryStore store = new InMemoryStore();
  ExecutorService pool; // unwrapped: its threads carry no context of their own

  @BeforeEach
  void start() {
    Tracewright.init(TraceConfig.builder().store(store).build());
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    Tracewright.shutdown();
  }

  private InMemoryStore recorded() {
    assertTrue(Tracewright.flush());
    return store;
  }

  private static void tool(String name) {
    Tracewright.span(name, SpanKind.TOOL).run(() -> tool2(name + ".inner"));
  }

  private static void tool2(String name) {
    Tracewright.span(name, SpanKind.STEP).run(() -> {});
  }

  private <T> T onPool(Callable<T> work) throws Exception {
    return pool.submit(work).get(30, TimeUnit.SECONDS);
  }

  @Test
  void anEnteredContextParentsSpansOnAnotherThreadUntilItsScopeCloses() throws Exception {
    TraceContext agent;
    try (ActiveSpan root = Tracewright.span("agent", SpanKind.AGENT).start()) {
      agent = Tracewright.context();
      assertEquals(root.spanId(), agent.spanId());
      assertEquals(root.traceId(), agent.traceId());
      String threadBefore = onPool(() -> {
        try (TraceContext.Scope scope = agent.enter()) {
          tool("entered");
        }
        tool("after the scope");
        return Tracewright.current().spanId();
      });
      assertNull(threadBefore, "the pool thread has no current span once the scope closed");
    }
    SpanRecord root = recorded().span("agent");
    assertEquals(root.spanId(), store.span("entered").parentSpanId());
    assertEquals(root.traceId(), store.span("entered").traceId());
    assertEquals(store.span("entered").spanId(), store.span("entered.inner").parentSpanId(), "nested spans nest as usual");
    assertTrue(store.span("entered").threadName().startsWith("pool-"));
    assertNull(store.span("after the scope").parentSpanId());
    assertNotEquals(root.traceId(), store.span("after the scope").traceId());
  }

  @Test
  void aSpanGivenAContextAsParentIsItsChildOnAnyThreadWhateverIsCurrentThere() throws Exception {
    TraceContext agent;
    try (ActiveSpan root = Tracewright.span("agent", SpanKind.AGENT).start()) {
      agent = Tracewright.context();
    }
    AtomicReference<ActiveSpan> detached = new AtomicReference<>();
    Thread callback = new Thread(() -> {
      try (ActiveSpan unrelated = Tracewright.span("unrelated", SpanKind.AGENT).start()) {
        detached.set(Tracewright.span("llm", SpanKind.LLM).childOf(agent).startDetached());
        tool("under unrelated");
      }
    }, "http-callback");
    callback.start();
    callback.join();
    onPool(() -> { // ended by yet another thread
      detached.get().output("reply").close();
      return null;
    });

    SpanRecord root = recorded().span("agent");
    SpanRecord llm = store.span("llm");
    assertEquals(root.spanId(), llm.parentSpanId(), "the captured span wins over the thread's current span");
    assertEquals(root.traceId(), llm.traceId());
    assertEquals("http-callback", llm.threadName());
    assertEquals(store.span("unrelated").spanId(), store.span("under unrelated").parentSpanId(), "the detached span never became current");
    assertEquals(2, store.trace(root.traceId()).orElseThrow().spanCount(), "the late span counts in the agent's trace");
  }

  @Test
  void concurrentScopesOnSeveralThreadsEachParentToTheirOwnContext() throws Exception {
    int agents = 4;
    TraceContext[] contexts = new TraceContext[agents];
    ActiveSpan[] roots = new ActiveSpan[agents];
    for (int a = 0; a < agents; a++) {
      roots[a] = Tracewright.span("agent" + a, SpanKind.AGENT).start();
      contexts[a] = Tracewright.context();
      roots[a].close();
    }
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService many = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int a = i % agents;
        int n = i;
        runs.add(many.submit(() -> {
          go.await();
          try (TraceContext.Scope scope = contexts[a].enter()) {
            tool("t" + a + "-" + n);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }
    } finally {
      many.shutdownNow();
    }
    recorded();
    for (int i = 0; i < 40; i++) {
      int a = i % agents;
      assertEquals(store.span("agent" + a).spanId(), store.span("t" + a + "-" + i).parentSpanId(), "t" + a + "-" + i);
    }
    assertEquals(agents, store.traces().size());
  }

  @Test
  void scopesNestAndCloseOnlyOnTheirThreadAndOnlyOnce() throws Exception {
    TraceContext a;
    TraceContext b;
    try (ActiveSpan ra = Tracewright.span("a", SpanKind.AGENT).start()) {
      a = Tracewright.context();
    }
    try (ActiveSpan rb = Tracewright.span("b", SpanKind.AGENT).start()) {
      b = Tracewright.context();
    }
    TraceContext.Scope outer = a.enter();
    TraceContext.Scope inner = b.enter();
    onPool(() -> {
      inner.close(); // another thread: nothing happens
      return null;
    });
    assertEquals(b.spanId(), Tracewright.current().spanId());
    inner.close();
    assertEquals(a.spanId(), Tracewright.current().spanId());
    inner.close();
    assertEquals(a.spanId(), Tracewright.current().spanId(), "a second close does nothing");
    outer.close();
    assertNull(Tracewright.current().spanId());
  }

  @Test
  void anEmptyContextChangesNothing() throws Exception {
    Tracewright.shutdown();
    TraceContext beforeInit = Tracewright.context();
    assertTrue(beforeInit.isEmpty());
    Tracewright.init(TraceConfig.builder().store(store).build());
    TraceContext outsideSpans = Tracewright.context();
    TraceContext ofAnOldRuntime;
    try (ActiveSpan old = Tracewright.span("old", SpanKind.AGENT).start()) {
      ofAnOldRuntime = Tracewright.context();
    }
    assertFalse(ofAnOldRuntime.isEmpty());
    Tracewright.init(TraceConfig.builder().store(store).build()); // replaced: its spans belong to a closed runtime
    assertTrue(ofAnOldRuntime.isEmpty());
    assertNull(ofAnOldRuntime.spanId());
    store.clear();

    try (ActiveSpan current = Tracewright.span("current", SpanKind.AGENT).start()) {
      for (TraceContext empty : List.of(beforeInit, outsideSpans, ofAnOldRuntime)) {
        assertTrue(empty.isEmpty());
        try (TraceContext.Scope scope = empty.enter()) {
          assertEquals(current.spanId(), Tracewright.current().spanId());
        }
        Tracewright.span("fallback", SpanKind.STEP).childOf(empty).run(() -> {});
      }
      Tracewright.span("null", SpanKind.STEP).childOf(null).run(() -> {});
    }
    SpanRecord current = recorded().span("current");
    assertTrue(store.spans().stream().filter(s -> s != current).allMatch(s -> current.spanId().equals(s.parentSpanId())), store.names().toString());
    assertEquals(1, store.traces().size());
  }

  @Test
  void theLastParentGivenWins() throws Exception {
    TraceContext agent;
    String header;
    try (ActiveSpan root = Tracewright.span("agent", SpanKind.AGENT).start()) {
      agent = Tracewright.context();
    }
    try (ActiveSpan remote = Tracewright.span("remote caller", SpanKind.AGENT).start()) {
      header = Tracewright.traceparent().orElseThrow();
    }
    onPool(() -> {
      Tracewright.span("by context", SpanKind.STEP).parent(header).childOf(agent).run(() -> {});
      Tracewright.span("by header", SpanKind.STEP).childOf(agent).parent(header).run(() -> {});
      return null;
    });
    recorded();
    assertEquals(store.span("agent").spanId(), store.span("by context").parentSpanId());
    assertEquals(store.span("remote caller").spanId(), store.span("by header").parentSpanId());
  }
}
