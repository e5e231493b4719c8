package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.replay.MismatchPolicy;
import dev.tracewright.runtime.replay.Matching;
import dev.tracewright.runtime.replay.Replay;
import dev.tracewright.runtime.replay.ReplayMismatchException;
import dev.tracewright.runtime.replay.UnreplayableTraceException;
import dev.tracewright.runtime.store.H2Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Generated code replays: real annotated sources compiled with the processor run once for real into
 * an H2 store, then again inside {@code Replay.ofTrace}: every return shape comes back as its exact
 * type, no tool body runs, errors are rethrown as their types.
 */
class ReplayTest {
  static final Compiled DESK =
      Compiled.compile(
          Compiled.source(
              "package com.acme;",
              "import dev.tracewright.annotations.*;",
              "import dev.tracewright.runtime.Tracewright;",
              "import java.io.IOException;",
              "import java.util.*;",
              "import java.util.concurrent.*;",
              "import java.util.concurrent.atomic.AtomicInteger;",
              "public class Desk {",
              "  public static final AtomicInteger BODIES = new AtomicInteger();",
              "  public record Hit(String title, double score) {}",
              "  public record Doc(String id, List<String> lines) {}",
              "  @Agent public String run(String q) {",
              "    List<Hit> hits = search(q, 2);",
              "    Map<String, List<Doc>> docs = docs(hits);",
              "    Number bounded = bounded(7);",
              "    note(q);",
              "    return hits + \"|\" + docs + \"|\" + count(q) + \"|\" + score(q) + \"|\" + ok() + \"|\" + Arrays.toString(ids())",
              "        + \"|\" + Arrays.toString(hitArray()) + \"|\" + wild() + \"|\" + bounded + \"|\" + ask(q).join()",
              "        + \"|\" + stage().toCompletableFuture().join();",
              "  }",
              "  @Agent public String onAnotherThread(String q) throws Exception {",
              "    ExecutorService pool = Tracewright.wrap(Executors.newSingleThreadExecutor());",
              "    try { return pool.submit(() -> search(q, 1)).get().toString(); } finally { pool.shutdown(); }",
              "  }",
              "  @Agent public String failing(String q) {",
              "    StringBuilder out = new StringBuilder();",
              "    try { fetch(q); } catch (IOException e) { out.append(e.getClass().getSimpleName()).append(':').append(e.getMessage()); }",
              "    try { refuse(q); } catch (RuntimeException e) { out.append('|').append(e.getClass().getName()).append(':').append(e.getMessage()); }",
              "    try { odd(q); } catch (RuntimeException e) { out.append('|').append(e.getClass().getSimpleName()).append(':').append(e.getMessage()); }",
              "    try { later(q).join(); } catch (CompletionException e) { out.append('|').append(e.getCause().getClass().getSimpleName()); }",
              "    return out.toString();",
              "  }",
              "  public static volatile CountDownLatch GO = new CountDownLatch(0);",
              "  @Agent public Future<String> leaveRunning(String q) {",
              "    ExecutorService pool = Tracewright.wrap(Executors.newSingleThreadExecutor());",
              "    try { return pool.submit(() -> { GO.await(); return search(q, 1).toString(); }); } finally { pool.shutdown(); }",
              "  }",
              "  @Agent public String each(List<String> qs) {",
              "    StringBuilder out = new StringBuilder();",
              "    for (String q : qs) { out.append(search(q, 1).get(0).title()).append(','); }",
              "    return out.toString();",
              "  }",
              "  @Agent public String contactAndLong(String q) { return contact(q) + \"|\" + longText(q).length(); }",
              "  @Tool public String contact(String q) { BODIES.incrementAndGet(); return \"write to ana.lopez@example.com about \" + q; }",
              "  @Tool public String longText(String q) { BODIES.incrementAndGet(); return q.repeat(500); }",
              "  @Tool public List<Hit> search(String q, int limit) { BODIES.incrementAndGet(); return List.of(new Hit(q + \" one\", 0.9), new Hit(q + \" two\", 0.5)).subList(0, limit); }",
              "  @Retrieval public Map<String, List<Doc>> docs(List<Hit> hits) { BODIES.incrementAndGet(); return Map.of(\"d\", List.of(new Doc(hits.get(0).title(), List.of(\"a\", \"b\")))); }",
              "  @Tool public int count(String q) { BODIES.incrementAndGet(); return q.length(); }",
              "  @Tool public double score(String q) { BODIES.incrementAndGet(); return q.length() / 4.0; }",
              "  @Tool public boolean ok() { BODIES.incrementAndGet(); return true; }",
              "  @Tool public int[] ids() { BODIES.incrementAndGet(); return new int[] {3, 1}; }",
              "  @Tool public Hit[] hitArray() { BODIES.incrementAndGet(); return new Hit[] {new Hit(\"arr\", 1)}; }",
              "  @Tool public List<? extends Hit> wild() { BODIES.incrementAndGet(); return List.of(new Hit(\"w\", 0.1)); }",
              "  @Tool public <N extends Number> N bounded(N n) { BODIES.incrementAndGet(); return n; }",
              "  @LlmCall public CompletableFuture<String> ask(String q) { BODIES.incrementAndGet(); return CompletableFuture.supplyAsync(() -> \"answer to \" + q); }",
              "  @LlmCall public CompletionStage<Integer> stage() { BODIES.incrementAndGet(); return CompletableFuture.completedFuture(42); }",
              "  @Tool public void note(String q) { BODIES.incrementAndGet(); }",
              "  @Tool public String fetch(String q) throws IOException { BODIES.incrementAndGet(); throw new IOException(\"no route to \" + q); }",
              "  @Tool public String refuse(String q) { BODIES.incrementAndGet(); throw new IllegalStateException(\"refused \" + q); }",
              "  @Tool public String odd(String q) { BODIES.incrementAndGet(); throw new OddException(q.length()); }",
              "  @LlmCall public CompletableFuture<String> later(String q) { BODIES.incrementAndGet(); return CompletableFuture.failedFuture(new IllegalArgumentException(\"late \" + q)); }",
              "  public static final class OddException extends RuntimeException {",
              "    private static final long serialVersionUID = 1L;",
              "    public OddException(int code) { super(\"odd \" + code); }",
              "  }",
              "}"));

  /** A generic traced type: a static field cannot name T, so its values are read into T's bound. */
  static final Compiled GAUGE =
      Compiled.compile(
          Compiled.source(
              "package com.acme;",
              "import dev.tracewright.annotations.*;",
              "import java.util.*;",
              "public class Gauge<T extends Number> {",
              "  private final T value;",
              "  public Gauge(T value) { this.value = value; }",
              "  @Agent public String read() { return current() + \" \" + current().getClass().getSimpleName() + \"/\" + history() + \"/\" + ranked(); }",
              "  @Tool public T current() { return value; }",
              "  @Tool public Map<String, ? extends List<T>> history() { return Map.of(\"h\", List.of(value, value)); }",
              "  @Tool public List<? super Integer> ranked() { return new ArrayList<Number>(List.of(1, 2)); }",
              "}"));

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private H2Store store;

  private void record(CapturePolicy policy) {
    record(TraceConfig.builder().capturePolicy(policy));
  }

  private void record(TraceConfig.Builder config) {
    store = H2Store.memory("replay-test-" + DATABASES.incrementAndGet());
    Tracewright.init(config.store(store).build());
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private static int bodies() throws Exception {
    return ((AtomicInteger) DESK.load("com.acme.Desk").getField("BODIES").get(null)).get();
  }

  private static Object desk() throws Throwable {
    return DESK.create("com.acme.DeskTraced");
  }

  /** The ID of the trace whose root has this name, started last. */
  private String lastTrace(String name) throws SQLException {
    Tracewright.flush();
    try (Connection c = store.openReadConnection();
        PreparedStatement st = c.prepareStatement("SELECT trace_id FROM traces WHERE name = ? ORDER BY start_time DESC LIMIT 1")) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        assertTrue(rs.next(), "no trace " + name);
        return rs.getString(1);
      }
    }
  }

  private String rootAttributes(String traceId) throws SQLException {
    try (Connection c = store.openReadConnection();
        PreparedStatement st = c.prepareStatement("SELECT s.attributes FROM spans s JOIN traces t ON s.span_id = t.root_span_id WHERE t.trace_id = ?")) {
      st.setString(1, traceId);
      try (ResultSet rs = st.executeQuery()) {
        assertTrue(rs.next());
        return rs.getString(1);
      }
    }
  }

  @Test
  void everyReturnShapeComesBackAsItsTypeWithoutRunningABody() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    String original = (String) Compiled.call(desk, "run", "sky");
    String recorded = lastTrace("run");
    int before = bodies();

    String replayed;
    try (Replay replay = Replay.ofTrace(recorded).open()) {
      replayed = (String) Compiled.call(desk, "run", "sky");
    }

    assertEquals(original, replayed);
    assertEquals(before, bodies(), "no tool, retrieval or model body ran");
    String replayRun = lastTrace("run");
    assertNotEquals(recorded, replayRun, "the replayed run is a trace of its own");
    assertTrue(rootAttributes(replayRun).contains("\"tracewright.replay_of\":\"" + recorded + "\""), rootAttributes(replayRun));
  }

  @Test
  void aReplayFollowsTheContextToAnotherThread() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    String original = (String) Compiled.call(desk, "onAnotherThread", "sea");
    String recorded = lastTrace("onAnotherThread");
    int before = bodies();
    try (Replay replay = Replay.ofTrace(recorded).open()) {
      assertEquals(original, Compiled.call(desk, "onAnotherThread", "sea"));
    }
    assertEquals(before, bodies());
  }

  @Test
  void recordedErrorsAreRethrownAsTheirTypesOrCarried() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    String original = (String) Compiled.call(desk, "failing", "x");
    assertEquals("IOException:no route to x|java.lang.IllegalStateException:refused x|OddException:odd 1|IllegalArgumentException", original);
    String recorded = lastTrace("failing");
    int before = bodies();
    String replayed;
    try (Replay replay = Replay.ofTrace(recorded).open()) {
      replayed = (String) Compiled.call(desk, "failing", "x");
    }
    assertEquals(before, bodies());
    // OddException has no (String) constructor: it comes back as ReplayedException with type and message.
    assertEquals(
        "IOException:no route to x|java.lang.IllegalStateException:refused x|ReplayedException:com.acme.Desk$OddException: odd 1|IllegalArgumentException",
        replayed);
  }

  @Test
  void strictMatchingFailsOnAChangedArgumentAndLiveRunsIt() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    Compiled.call(desk, "onAnotherThread", "sea");
    String recorded = lastTrace("onAnotherThread");

    Replay strict = Replay.ofTrace(recorded).matching(Matching.STRICT).open();
    Throwable thrown = assertThrows(Exception.class, () -> Compiled.call(desk, "onAnotherThread", "lake"));
    ReplayMismatchException mismatch = assertInstanceOf(ReplayMismatchException.class, thrown.getCause());
    assertTrue(mismatch.getMessage().contains("call 1 of TOOL search (com.acme.Desk#search) under onAnotherThread"), mismatch.getMessage());
    assertTrue(mismatch.getMessage().contains("q: recorded \"sea\", now \"lake\""), mismatch.getMessage());
    ReplayMismatchException atClose = assertThrows(ReplayMismatchException.class, strict::close);
    assertTrue(atClose.getMessage().contains("now \"lake\""), atClose.getMessage());

    int before = bodies();
    try (Replay live = Replay.ofTrace(recorded).matching(Matching.STRICT).onMismatch(MismatchPolicy.LIVE).open()) {
      assertEquals("[Hit[title=lake one, score=0.9]]", Compiled.call(desk, "onAnotherThread", "lake"));
    }
    assertEquals(before + 1, bodies(), "LIVE ran the real tool");
  }

  /** Issue 22: Replay defaulted to ORDERED and @ReplayTrace to STRICT, so a changed question passed in one and failed in the other. */
  @Test
  void aReplayIsStrictByDefaultAsReplayTraceIs() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    Compiled.call(desk, "onAnotherThread", "sea");
    String recorded = lastTrace("onAnotherThread");
    Replay byDefault = Replay.ofTrace(recorded).open();
    Throwable thrown = assertThrows(Exception.class, () -> Compiled.call(desk, "onAnotherThread", "lake"));
    ReplayMismatchException mismatch = assertInstanceOf(ReplayMismatchException.class, thrown.getCause());
    assertTrue(mismatch.getMessage().contains("q: recorded \"sea\", now \"lake\""), mismatch.getMessage());
    assertThrows(ReplayMismatchException.class, byDefault::close);
  }

  /** Issue 22: both values were cut at 200 characters, so a prompt changed at its end printed two equal strings. */
  @Test
  void aLongArgumentChangedAtItsEndShowsWhereTheTwoFirstDiffer() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    String prompt = "Summarize the quarterly report for the board. ".repeat(12) + "Answer in English, in three bullet points.";
    Compiled.call(desk, "onAnotherThread", prompt);
    String recorded = lastTrace("onAnotherThread");
    Replay replay = Replay.ofTrace(recorded).open();
    Throwable thrown = assertThrows(Exception.class, () -> Compiled.call(desk, "onAnotherThread", prompt.replace("English", "French")));
    String message = assertInstanceOf(ReplayMismatchException.class, thrown.getCause()).getMessage();
    int at = prompt.indexOf("English") + 1 + 1; // a character of the string, after JSON's opening quote
    assertTrue(message.contains("first different at character " + at + " (of " + (prompt.length() + 2) + " recorded, "
        + (prompt.length() + 1) + " now)"), message);
    assertTrue(message.contains("Answer in English, in three bullet points.\""), "the recorded end: " + message);
    assertTrue(message.contains("Answer in French, in three bullet points.\""), "the changed end: " + message);
    assertTrue(message.contains("characters] …"), "the shared start is counted, not printed: " + message);
    assertThrows(ReplayMismatchException.class, replay::close);
  }

  @Test
  void orderedMatchingIgnoresArgumentsAndUnusedRecordingsFailTheClose() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    Compiled.call(desk, "onAnotherThread", "sea");
    String recorded = lastTrace("onAnotherThread");
    try (Replay replay = Replay.ofTrace(recorded).matching(Matching.ORDERED).open()) {
      assertEquals("[Hit[title=sea one, score=0.9]]", Compiled.call(desk, "onAnotherThread", "lake"), "ORDERED: the recording answers");
    }

    Replay unused = Replay.ofTrace(recorded).matching(Matching.ORDERED).open();
    Compiled.call(desk, "onAnotherThread", "sea"); // a new trace... but not the replayed one: see below
    unused.close(); // every recording was used
    Replay nothingCalled = Replay.ofTrace(recorded).matching(Matching.ORDERED).open();
    ReplayMismatchException e = assertThrows(ReplayMismatchException.class, nothingCalled::close);
    assertTrue(e.getMessage().contains("TOOL search, com.acme.Desk#search, under onAnotherThread) was never called"), e.getMessage());
  }

  @Test
  void callsOfOneSiteFindTheirRecordingByArgumentsThenByNumberThenTheFirstLeft() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    assertEquals("a one,b one,c one,", Compiled.call(desk, "each", List.of("a", "b", "c")));
    String recorded = lastTrace("each");
    int before = bodies();
    try (Replay strict = Replay.ofTrace(recorded).matching(Matching.STRICT).open()) {
      assertEquals("c one,a one,b one,", Compiled.call(desk, "each", List.of("c", "a", "b")), "each call finds its own arguments");
    }
    try (Replay ordered = Replay.ofTrace(recorded).matching(Matching.ORDERED).open()) {
      // c by its arguments; x has none equal, so the 2nd recording (b); a by its arguments
      assertEquals("c one,b one,a one,", Compiled.call(desk, "each", List.of("c", "x", "a")));
    }
    try (Replay ordered = Replay.ofTrace(recorded).matching(Matching.ORDERED).open()) {
      // c by its arguments; x takes the 2nd (b); y's 3rd (c) is taken, so the first left (a)
      assertEquals("c one,b one,a one,", Compiled.call(desk, "each", List.of("c", "x", "y")));
    }
    assertEquals(before, bodies(), "every call was answered from the recording");
  }

  @Test
  void aCallStartedAfterTheReplayClosedFailsInsteadOfRunningForReal() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    assertEquals("[Hit[title=sea one, score=0.9]]", ((java.util.concurrent.Future<?>) Compiled.call(desk, "leaveRunning", "sea")).get());
    String recorded = lastTrace("leaveRunning");
    int before = bodies();

    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    DESK.load("com.acme.Desk").getField("GO").set(null, go);
    java.util.concurrent.Future<?> late;
    try (Replay replay = Replay.ofTrace(recorded).failOnUnused(false).open()) {
      late = (java.util.concurrent.Future<?>) Compiled.call(desk, "leaveRunning", "sea"); // the agent returns; its search waits
    }
    go.countDown();
    java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class, late::get);
    ReplayMismatchException mismatch = assertInstanceOf(ReplayMismatchException.class, e.getCause());
    assertTrue(mismatch.getMessage().contains("TOOL search") && mismatch.getMessage().contains("started after the replay was closed"), mismatch.getMessage());
    assertEquals(before, bodies(), "the real search did not run");

    DESK.load("com.acme.Desk").getField("GO").set(null, go = new java.util.concurrent.CountDownLatch(1));
    try (Replay replay = Replay.ofTrace(recorded).onMismatch(MismatchPolicy.LIVE).failOnUnused(false).open()) {
      late = (java.util.concurrent.Future<?>) Compiled.call(desk, "leaveRunning", "sea");
    }
    go.countDown();
    assertEquals("[Hit[title=sea one, score=0.9]]", late.get());
    assertEquals(before + 1, bodies(), "under LIVE it runs for real");
  }

  @Test
  void aCallTheRecordingDoesNotHaveFailsNamingItsPath() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    Compiled.call(desk, "onAnotherThread", "sea");
    String recorded = lastTrace("onAnotherThread");
    Replay replay = Replay.ofTrace(recorded).open();
    ReplayMismatchException e = assertThrows(ReplayMismatchException.class, () -> Compiled.call(desk, "run", "sky"));
    assertEquals("Replay of trace " + recorded + ": call 1 of TOOL search (com.acme.Desk#search) under run: the recording has no such call there", e.getMessage());
    ReplayMismatchException atClose = assertThrows(ReplayMismatchException.class, replay::close);
    assertTrue(atClose.getMessage().contains(e.getMessage()), atClose.getMessage());
    assertTrue(atClose.getMessage().contains("under onAnotherThread) was never called"), atClose.getMessage());
  }

  @Test
  void anOverrideReplacesOneRecordedOutput() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    String original = (String) Compiled.call(desk, "run", "sky");
    String recorded = lastTrace("run");
    try (Replay replay = Replay.ofTrace(recorded).override("count", 1, 99).override("Desk#ask", 1, "what if").open()) {
      String replayed = (String) Compiled.call(desk, "run", "sky");
      assertEquals(original.replace("|3|", "|99|").replace("answer to sky", "what if"), replayed);
    }
  }

  @Test
  void aRecordingWithoutContentIsRefusedUpFrontNamingTheSpans() throws Throwable {
    record(CapturePolicy.METADATA_ONLY);
    Compiled.call(desk(), "onAnotherThread", "sea");
    String recorded = lastTrace("onAnotherThread");
    UnreplayableTraceException e = assertThrows(UnreplayableTraceException.class, () -> Replay.ofTrace(recorded).open());
    assertEquals(1, e.spanIds().size());
    assertTrue(e.getMessage().contains(e.spanIds().get(0) + " TOOL search: captured METADATA_ONLY"), e.getMessage());
  }

  @Test
  void redactedValuesComeBackRedacted() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object desk = desk();
    assertEquals("write to ana.lopez@example.com about q|500", Compiled.call(desk, "contactAndLong", "q"));
    String recorded = lastTrace("contactAndLong");
    try (Replay replay = Replay.ofTrace(recorded).open()) {
      String replayed = (String) Compiled.call(desk, "contactAndLong", "q");
      assertTrue(replayed.matches("write to \\[REDACTED:[a-z]+\\] about q\\|500"), replayed);
    }
  }

  @Test
  void contentCutAtTheCaptureLimitIsRefusedUpFront() throws Throwable {
    record(TraceConfig.builder().capturePolicy(CapturePolicy.FULL_LOCAL).maxContentBytes(64));
    Compiled.call(desk(), "contactAndLong", "q");
    String recorded = lastTrace("contactAndLong");
    UnreplayableTraceException e = assertThrows(UnreplayableTraceException.class, () -> Replay.ofTrace(recorded).open());
    assertTrue(e.getMessage().contains("TOOL longText: its output was cut at the capture limit"), e.getMessage());
    assertEquals(1, e.spanIds().size(), "the short outputs are whole");
  }

  @Test
  void classTypeVariablesAreReadIntoTheirBound() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Object gauge = GAUGE.create("com.acme.GaugeTraced", 7);
    assertEquals("7 Integer/{h=[7, 7]}/[1, 2]", Compiled.call(gauge, "read"));
    String recorded = lastTrace("read");
    Object other = GAUGE.create("com.acme.GaugeTraced", 9);
    try (Replay replay = Replay.ofTrace(recorded).open()) {
      assertEquals("7 Integer/{h=[7, 7]}/[1, 2]", Compiled.call(other, "read"), "the recorded values, read as Number");
    }
    assertTrue(GAUGE.generatedSource("com.acme.GaugeTraced").contains(".returns(new ReturnType<Number>() {})"));
    assertTrue(GAUGE.generatedSource("com.acme.GaugeTraced").contains(".returns(new ReturnType<Map<String, ? extends List<Number>>>() {})"));
  }

  @Test
  void replayingWithoutInitIsRefused() throws Throwable {
    record(CapturePolicy.FULL_LOCAL);
    Compiled.call(desk(), "onAnotherThread", "sea");
    String recorded = lastTrace("onAnotherThread");
    Replay.Builder builder = Replay.ofTrace(recorded);
    Tracewright.shutdown();
    IllegalStateException e = assertThrows(IllegalStateException.class, builder::open);
    assertTrue(e.getMessage().contains("Tracewright.init"));
  }

}
