package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.SpanRecord;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Interfaces get a delegating wrapper; futures end their span when they complete. */
class InterfaceAndAsyncTest extends TracingTest {

  static final Compiled SEARCH =
      Compiled.compile(
          Compiled.source(
              "package com.acme;",
              "import dev.tracewright.annotations.*;",
              "import java.util.List;",
              "public interface SearchTool {",
              "  @Tool String search(String query);",
              "  @Retrieval List<String> similar(String text, int k);",
              "  int size();",
              "  default String describe() { return \"index of \" + size(); }",
              "  @Tool(name = \"twice\") default String searchTwice(String q) { return search(q) + search(q); }",
              "}"),
          Compiled.source(
              "package com.acme;",
              "import java.util.List;",
              "public class IndexSearch implements SearchTool {",
              "  public String search(String query) { return \"[\" + query + \"]\"; }",
              "  public List<String> similar(String text, int k) { return List.of(text, text + k); }",
              "  public int size() { return 3; }",
              "  public String describe() { return \"my index\"; }",
              "}"),
          Compiled.source(
              "package com.acme;",
              "import dev.tracewright.annotations.*;",
              "import java.util.Optional;",
              "public interface Repository<T, ID extends Comparable<ID>> {",
              "  @Retrieval(name = \"repo.find\") Optional<T> find(ID id);",
              "}"));

  @Test
  void interfaceWrapperDelegatesTracedMethodsAndForwardsTheRest() throws Throwable {
    Object impl = SEARCH.create("com.acme.IndexSearch");
    Class<?> wrapper = SEARCH.load("com.acme.SearchToolTraced");
    Object tool = wrapper.getMethod("wrap", SEARCH.load("com.acme.SearchTool")).invoke(null, impl);

    assertEquals("[q]", Compiled.call(tool, "search", "q"));
    assertEquals(List.of("t", "t2"), Compiled.call(tool, "similar", "t", 2));
    assertEquals(3, Compiled.call(tool, "size"));
    assertEquals("my index", Compiled.call(tool, "describe"), "an untraced default method forwards to the delegate's");
    assertEquals("[x][x]", Compiled.call(tool, "searchTwice", "x"));

    assertEquals(List.of("search", "similar", "twice"), recorded().names());
    assertEquals(SpanKind.RETRIEVAL, store.span("similar").kind());
    assertEquals("{\"text\":\"t\",\"k\":2}", store.span("similar").inputPreview());
    assertEquals("com.acme.SearchTool", store.span("search").codeNamespace());
  }

  @Test
  void interfaceWrapperRejectsANullDelegateAndKeepsGenerics() throws Throwable {
    Class<?> repo = SEARCH.load("com.acme.RepositoryTraced");
    assertEquals(2, repo.getTypeParameters().length);
    assertEquals("java.lang.Comparable<ID>", repo.getTypeParameters()[1].getBounds()[0].getTypeName());
    Method wrap = repo.getMethod("wrap", SEARCH.load("com.acme.Repository"));
    Throwable npe = assertThrows(Throwable.class, () -> wrap.invoke(null, (Object) null)).getCause();
    assertTrue(npe instanceof NullPointerException && npe.getMessage().contains("delegate"), String.valueOf(npe));

    Object lambdaRepo =
        java.lang.reflect.Proxy.newProxyInstance(
            SEARCH.load("com.acme.Repository").getClassLoader(),
            new Class<?>[] {SEARCH.load("com.acme.Repository")},
            (proxy, method, args) -> Optional.of("item-" + args[0]));
    Object traced = wrap.invoke(null, lambdaRepo);
    assertEquals(Optional.of("item-7"), Compiled.call(traced, "find", 7));
    assertEquals("{\"id\":7}", recorded().span("repo.find").inputPreview());
  }

  static final Compiled ASYNC =
      Compiled.compile(
          "package com.acme;",
          "import dev.tracewright.annotations.*;",
          "import java.util.concurrent.*;",
          "public class AsyncModel {",
          "  public final CompletableFuture<String> pending = new CompletableFuture<>();",
          "  @LlmCall(model = \"gpt-4o-mini\") public CompletableFuture<String> ask(String prompt) { return pending; }",
          "  @Tool public CompletionStage<Integer> count(String text, Executor executor) {",
          "    return CompletableFuture.supplyAsync(() -> { length(text); return text.length(); }, executor);",
          "  }",
          "  @Step public int length(String text) { return text.length(); }",
          "  @Tool public CompletableFuture<String> none() { return null; }",
          "}");

  @Test
  void futureSpanEndsWhenTheFutureCompletesNotWhenTheMethodReturns() throws Throwable {
    Object model = ASYNC.create("com.acme.AsyncModelTraced");
    @SuppressWarnings("unchecked")
    CompletableFuture<String> pending = (CompletableFuture<String>) model.getClass().getField("pending").get(model);

    Object returned = Compiled.call(model, "ask", "hello");

    assertSame(pending, returned, "the caller gets the very same future back");
    assertNull(Tracewright.current().spanId(), "the span left this thread when the method returned");
    assertTrue(recorded().spans().isEmpty(), "nothing recorded before completion");
    Instant beforeCompletion = Instant.now();
    pending.complete("world");

    SpanRecord ask = recorded().span("ask");
    assertEquals(SpanRecord.OK, ask.status());
    assertEquals("\"world\"", ask.outputPreview());
    assertFalse(ask.endTime().isBefore(beforeCompletion), "ended at completion");
  }

  @Test
  void failedFutureMarksTheSpanWithTheUnwrappedCause() throws Throwable {
    Object model = ASYNC.create("com.acme.AsyncModelTraced");
    @SuppressWarnings("unchecked")
    CompletableFuture<String> pending = (CompletableFuture<String>) model.getClass().getField("pending").get(model);
    Compiled.call(model, "ask", "hello");

    pending.completeExceptionally(new java.util.concurrent.CompletionException(new IllegalStateException("rate limited")));

    SpanRecord ask = recorded().span("ask");
    assertEquals(SpanRecord.ERROR, ask.status());
    assertEquals("java.lang.IllegalStateException", ask.errorType());
    assertEquals("rate limited", ask.errorMessage());
  }

  /**
   * The span of a stage completed on another thread ends in its completion callback, which that
   * thread may run just after {@code get()} returned here (the CI run of 2026-12-07 caught it):
   * flush until it is recorded.
   */
  private SpanRecord endedOnThePool(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (recorded().spans().stream().noneMatch(s -> s.name().equals(name)) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return store.span(name);
  }

  @Test
  void completionStageWorkOnAWrappedExecutorStaysInTheTrace() throws Throwable {
    Object model = ASYNC.create("com.acme.AsyncModelTraced");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletionStage<?> stage = (CompletionStage<?>) Compiled.call(model, "count", "abcd", Tracewright.wrap(pool));
      assertEquals(4, stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    } finally {
      pool.shutdown();
    }
    SpanRecord count = endedOnThePool("count");
    SpanRecord length = store.span("length");
    assertEquals(count.spanId(), length.parentSpanId());
    assertEquals(count.traceId(), length.traceId());
    assertTrue(length.threadName().startsWith("pool-"), length.threadName());
    assertEquals("4", count.outputPreview());
  }

  @Test
  void nullFutureEndsTheSpanAtOnce() throws Throwable {
    Object model = ASYNC.create("com.acme.AsyncModelTraced");
    assertNull(Compiled.call(model, "none"));
    assertEquals(SpanRecord.OK, recorded().span("none").status());
  }

  @Test
  void futureThatFailsBeforeReturningIsStillTheCallersException() throws Throwable {
    Object model = ASYNC.create("com.acme.AsyncModelTraced");
    @SuppressWarnings("unchecked")
    CompletableFuture<String> pending = (CompletableFuture<String>) model.getClass().getField("pending").get(model);
    pending.completeExceptionally(new ArithmeticException("early"));
    CompletableFuture<?> f = (CompletableFuture<?>) Compiled.call(model, "ask", "x");
    ExecutionException e = assertThrows(ExecutionException.class, f::get);
    assertTrue(e.getCause() instanceof ArithmeticException);
    assertEquals("java.lang.ArithmeticException", recorded().span("ask").errorType());
  }
}
