package dev.tracewright.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trace follows work onto other threads, futures and processes. */
class ContextPropagationTest {
  final InMemoryStore store = new InMemoryStore();
  ExecutorService pool;

  @BeforeEach
  void start() {
    Tracewright.init(TraceConfig.builder().store(store).build());
    pool = Executors.newFixedThreadPool(3);
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
    Tracewright.span(name, SpanKind.TOOL).run(() -> {});
  }

  @Test
  void wrappedExecutorServiceParentsPoolSpansToTheSubmitter() throws Exception {
    ExecutorService traced = Tracewright.wrap(pool);
    try (ActiveSpan root = Tracewright.span("fan-out", SpanKind.AGENT).start()) {
      traced.submit(() -> tool("a")).get();
      traced.submit((Callable<String>) () -> { tool("b"); return "b"; }).get();
      traced.invokeAll(List.of(() -> { tool("c"); return 1; }, () -> { tool("d"); return 2; }));
      CountDownLatch executed = new CountDownLatch(1);
      traced.execute(() -> {
        tool("e");
        executed.countDown();
      });
      // execute() may run on another pool thread than a later task: wait for it, not for the pool.
      assertTrue(executed.await(30, java.util.concurrent.TimeUnit.SECONDS));
    }
    SpanRecord root = recorded().span("fan-out");
    for (String n : List.of("a", "b", "c", "d", "e")) {
      SpanRecord s = store.span(n);
      assertEquals(root.spanId(), s.parentSpanId(), n);
      assertEquals(root.traceId(), s.traceId(), n);
      assertTrue(s.threadName().startsWith("pool-"), s.threadName());
    }
  }

  @Test
  void unwrappedPoolStartsNewTraces() throws Exception {
    try (ActiveSpan root = Tracewright.span("root", SpanKind.AGENT).start()) {
      pool.submit(() -> tool("orphan")).get();
    }
    assertNull(recorded().span("orphan").parentSpanId());
    assertNotEquals(store.span("root").traceId(), store.span("orphan").traceId());
  }

  @Test
  void wrappedRunnableCallableAndPlainExecutor() throws Exception {
    Executor direct = Runnable::run;
    Runnable r;
    Callable<Integer> c;
    Executor e = Tracewright.wrap(command -> new Thread(command).start());
    CompletableFuture<Void> viaExecutor = new CompletableFuture<>();
    try (ActiveSpan root = Tracewright.span("root", SpanKind.AGENT).start()) {
      r = Tracewright.wrap(() -> tool("runnable"));
      c = Tracewright.wrap(() -> { tool("callable"); return 1; });
      e.execute(() -> { tool("executor"); viaExecutor.complete(null); });
      Tracewright.wrap(direct).execute(() -> tool("same-thread"));
    }
    Thread t = new Thread(r);
    t.start();
    t.join();
    pool.submit(c).get();
    viaExecutor.get(10, TimeUnit.SECONDS);
    String rootId = recorded().span("root").spanId();
    for (String n : List.of("runnable", "callable", "executor", "same-thread")) {
      assertEquals(rootId, store.span(n).parentSpanId(), n);
    }
    assertNull(Tracewright.current().spanId(), "nothing leaks onto this thread");
  }

  @Test
  void completableFutureStagesOnAWrappedExecutorStayInTheTrace() throws Exception {
    ExecutorService traced = Tracewright.wrap(pool);
    CompletableFuture<String> done;
    try (ActiveSpan root = Tracewright.span("root", SpanKind.AGENT).start()) {
      done =
          CompletableFuture.supplyAsync(() -> { tool("fetch"); return "x"; }, traced)
              .thenApplyAsync(x -> { tool("parse"); return x + "y"; }, traced)
              .thenCombineAsync(CompletableFuture.supplyAsync(() -> { tool("side"); return "z"; }, traced), String::concat, traced);
    }
    assertEquals("xyz", done.get(10, TimeUnit.SECONDS));
    String rootId = recorded().span("root").spanId();
    for (String n : List.of("fetch", "parse", "side")) {
      assertEquals(rootId, store.span(n).parentSpanId(), n);
    }
  }

  @Test
  void virtualThreadsWorkWhereTheJdkHasThem() throws Exception {
    Method factory;
    try {
      factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    } catch (NoSuchMethodException e) {
      assumeTrue(false, "no virtual threads on JDK " + Runtime.version());
      return;
    }
    ExecutorService virtual = Tracewright.wrap((ExecutorService) factory.invoke(null));
    try (ActiveSpan root = Tracewright.span("root", SpanKind.AGENT).start()) {
      for (int i = 0; i < 50; i++) {
        int n = i;
        virtual.submit(() -> tool("v" + n));
      }
    }
    virtual.shutdown();
    assertTrue(virtual.awaitTermination(30, TimeUnit.SECONDS));
    String rootId = recorded().span("root").spanId();
    assertEquals(51, store.spans().size());
    assertTrue(store.spans().stream().filter(s -> s.name().startsWith("v")).allMatch(s -> rootId.equals(s.parentSpanId())));
  }

  @Test
  void traceparentRoundTripsBetweenProcesses() {
    String header;
    String callerTrace;
    String callerSpan;
    try (ActiveSpan caller = Tracewright.span("client-call", SpanKind.TOOL).start()) {
      header = Tracewright.traceparent().orElseThrow();
      callerTrace = caller.traceId();
      callerSpan = caller.spanId();
    }
    assertEquals("00-" + callerTrace + "-" + callerSpan + "-01", header);

    // "Another process": a server span continuing the trace from the header.
    try (ActiveSpan server = Tracewright.span("handle-request", SpanKind.AGENT).parent(header).start()) {
      tool("server-tool");
    }
    SpanRecord server = recorded().span("handle-request");
    assertEquals(callerTrace, server.traceId());
    assertEquals(callerSpan, server.parentSpanId());
    assertEquals(server.spanId(), store.span("server-tool").parentSpanId());
    assertEquals(callerTrace, store.span("server-tool").traceId());
  }

  @Test
  void malformedTraceparentStartsANewTraceWithoutAnException() {
    for (String bad : List.of("", "nonsense", "00-zz-yy-01", "00-00000000000000000000000000000000-0000000000000000-01")) {
      Tracewright.span("req", SpanKind.AGENT).parent(bad).run(() -> {});
    }
    Tracewright.span("req", SpanKind.AGENT).parent(null).run(() -> {});
    List<SpanRecord> spans = recorded().spans();
    assertEquals(5, spans.size());
    assertTrue(spans.stream().allMatch(s -> s.parentSpanId() == null));
    assertEquals(5, spans.stream().map(SpanRecord::traceId).distinct().count());
  }

  @Test
  void aContextEnteredOnAnotherThreadParentsWhatStartsThereUntilTheScopeCloses() throws Exception {
    // A framework's start hook and end hook on a pool thread, with the agent's span captured on this one.
    CompletableFuture<TraceContext.Scope> opened = new CompletableFuture<>();
    try (ActiveSpan agent = Tracewright.span("agent", SpanKind.AGENT).start()) {
      TraceContext captured = Tracewright.context();
      ExecutorService hooks = Executors.newSingleThreadExecutor();
      try {
        hooks.submit(() -> {
          assertNull(Tracewright.current().spanId(), "a pool thread has no current span of its own");
          opened.complete(captured.enter());
        }).get();
        hooks.submit(() -> {
          assertEquals(captured.spanId(), Tracewright.current().spanId());
          tool("tool-on-pool");
          Tracewright.span("llm-on-pool", SpanKind.LLM).startDetached().close();
          Tracewright.span("left-open", SpanKind.STEP).start(); // never closed: the scope's close clears it
        }).get();
        hooks.submit(() -> {
          opened.join().close();
          assertNull(Tracewright.current().spanId(), "after close the pool thread is as before");
          opened.join().close(); // a second close does nothing
          tool("after-scope");
        }).get();
      } finally {
        hooks.shutdownNow();
      }
      assertEquals(agent.spanId(), Tracewright.current().spanId(), "this thread's own stack is untouched");
    }
    SpanRecord agent = recorded().span("agent");
    for (String n : List.of("tool-on-pool", "llm-on-pool")) {
      assertEquals(agent.spanId(), store.span(n).parentSpanId(), n);
      assertEquals(agent.traceId(), store.span(n).traceId(), n);
    }
    assertNull(store.span("after-scope").parentSpanId(), "the scope, and the span left open in it, ended with its close");
  }

  @Test
  void closingAScopeOnTheSpansOwnThreadKeepsTheSpanCurrent() {
    try (ActiveSpan agent = Tracewright.span("agent", SpanKind.AGENT).start()) {
      TraceContext.Scope scope = Tracewright.context().enter();
      scope.close();
      scope.close();
      assertEquals(agent.spanId(), Tracewright.current().spanId(), "only the scope's own push was undone");
      tool("child");
    }
    assertEquals(recorded().span("agent").spanId(), store.span("child").parentSpanId());
  }

  @Test
  void emptyContextsAndContextsOfAnEarlierRuntimeGiveScopesThatDoNothing() throws Exception {
    try (TraceContext.Scope none = Tracewright.context().enter()) {
      assertNull(Tracewright.current().spanId());
    }
    TraceContext old;
    try (ActiveSpan agent = Tracewright.span("old-agent", SpanKind.AGENT).start()) {
      old = Tracewright.context();
    }
    Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).build());
    try (TraceContext.Scope stale = old.enter()) {
      assertNull(Tracewright.current().spanId(), "a span of the runtime that was replaced");
    }
    Tracewright.shutdown();
    try (TraceContext.Scope off = old.enter()) {
      assertNull(Tracewright.current().spanId(), "not recording");
    }
  }
}
