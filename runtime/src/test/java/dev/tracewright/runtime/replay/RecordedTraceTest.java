package dev.tracewright.runtime.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.replay.RecordedContent.State;
import dev.tracewright.runtime.store.H2Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real run recorded into a real H2 file, read back from the database and from its JSONL export. */
@Timeout(120)
class RecordedTraceTest {
  static final String KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9o";
  static final TracedCall.Site RESEARCH = TracedCall.site(RecordedTraceTest.class, "research", SpanKind.AGENT, "research").parameters("question");
  static final TracedCall.Site PLAN = TracedCall.site(RecordedTraceTest.class, "plan", SpanKind.STEP, "plan").parameters("goal");
  static final TracedCall.Site SEARCH = TracedCall.site(RecordedTraceTest.class, "search", SpanKind.TOOL, "search").parameters("query");
  static final TracedCall.Site CHAT = TracedCall.site(RecordedTraceTest.class, "chat", SpanKind.LLM, "chat")
      .model("gpt-4o").provider("openai").parameters("prompt").capture(CapturePolicy.FULL_EXPORTABLE);
  static final TracedCall.Site SUMMARY = TracedCall.site(RecordedTraceTest.class, "summarize", SpanKind.STEP, "summarize")
      .parameters("text").capture(CapturePolicy.REDACTED_PREVIEW);
  static final TracedCall.Site FETCH = TracedCall.site(RecordedTraceTest.class, "fetch", SpanKind.TOOL, "fetch").parameters("url");
  static final TracedCall.Site NOTIFY = TracedCall.site(RecordedTraceTest.class, "notify", SpanKind.TOOL, "notify")
      .parameters("who").capture(CapturePolicy.METADATA_ONLY);
  static final TracedCall.Site LOG = TracedCall.site(RecordedTraceTest.class, "log", SpanKind.STEP, "log").parameters("line");
  static final TracedCall.Site LOOKUP = TracedCall.site(RecordedTraceTest.class, "lookup", SpanKind.RETRIEVAL, "lookup").parameters("query");

  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  record Hit(String title, int rank) {}

  /** research > plan > (search, search, chat), summarize, fetch, notify, log, lookup (fails), memory. */
  static void recordRun(String question) {
    TracedCall root = RESEARCH.begin();
    root.input(question);
    TracedCall plan = PLAN.begin();
    plan.input("find sources");
    TracedCall search = SEARCH.begin();
    search.input("sky colour " + KEY);
    Tracewright.current().event("cache_miss", Map.of("attempt", 1, "store", "local"));
    search.returned(List.of(new Hit("Rayleigh", 1), new Hit("Mie", 2)));
    TracedCall again = SEARCH.begin();
    again.input("sunset");
    again.returned(List.of(new Hit("Sunsets", 1)));
    TracedCall chat = CHAT.begin();
    chat.input("summarize the hits");
    Tracewright.current().tokens(1000, 200);
    chat.returned("blue, because of Rayleigh scattering");
    plan.returned(List.of("a", "b"));
    TracedCall summary = SUMMARY.begin();
    summary.input("x");
    summary.returned("s".repeat(500));
    TracedCall fetch = FETCH.begin();
    fetch.input("https://example.org");
    fetch.returned("p".repeat(5000));
    TracedCall notify = NOTIFY.begin();
    notify.input("alice");
    notify.returned("sent");
    TracedCall log = LOG.begin();
    log.input("done");
    log.returned();
    TracedCall lookup = LOOKUP.begin();
    lookup.input("local only");
    lookup.threw(new IllegalStateException("index offline"));
    try (ActiveSpan memory = Tracewright.span("remember", SpanKind.MEMORY).attribute("slot", 3).attribute("persist", true).start()) {
      memory.output(Map.of("slot", 3));
    }
    root.returned("blue");
  }

  private Path record(String... questions) {
    Path base = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).capturePolicy(CapturePolicy.FULL_LOCAL).maxContentBytes(1024)
        .previewChars(100).build());
    for (String q : questions) {
      recordRun(q);
    }
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));
    return base;
  }

  private static Connection open(Path base) throws Exception {
    return DriverManager.getConnection(H2Store.fileUrl(base, false, true), "sa", "");
  }

  private static String onlyTraceId(Connection c) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT trace_id FROM traces")) {
      assertTrue(rs.next());
      String id = rs.getString(1);
      assertFalse(rs.next());
      return id;
    }
  }

  private static List<String> outline(RecordedTrace t) {
    List<String> out = new ArrayList<>();
    for (RecordedSpan s : t.spans()) {
      out.add("  ".repeat(t.depth(s.spanId())) + s.name());
    }
    return out;
  }

  static RecordedSpan named(RecordedTrace t, String name, int nth) {
    return t.spans().stream().filter(s -> s.name().equals(name)).skip(nth).findFirst().orElseThrow();
  }

  @Test
  void theDatabaseAndItsJsonlExportGiveTheSameTreeAndContent() throws Exception {
    Path base = record("why is the sky blue? ask alice@example.com");
    RecordedTrace fromDb;
    Path jsonl = dir.resolve("run.jsonl");
    String traceId;
    try (Connection c = open(base)) {
      traceId = onlyTraceId(c);
      fromDb = RecordedTrace.fromDatabase(c, traceId.substring(0, 8));
      StoredSpans.exportJsonl(c, jsonl, true);
    }
    assertEquals(traceId, fromDb.traceId());
    assertEquals(List.of("research", "  plan", "    search", "    search", "    chat", "  summarize", "  fetch", "  notify", "  log",
        "  lookup", "  remember"), outline(fromDb));
    RecordedSpan root = fromDb.root().orElseThrow();
    assertEquals("research", root.name());
    assertNull(root.parentSpanId());
    assertEquals(List.of("search", "search", "chat"), fromDb.children(named(fromDb, "plan", 0).spanId()).stream().map(RecordedSpan::name).toList());
    assertEquals(RecordedTraceTest.class.getName(), named(fromDb, "search", 0).codeNamespace());
    assertEquals("search", named(fromDb, "search", 0).codeFunction());

    RecordedTrace fromFile = RecordedTrace.fromFile(jsonl);
    assertEquals(traceId, fromFile.traceId());
    assertEquals(fromDb.spans(), fromFile.spans(), "every field, content, hash and event survives the export");
    assertEquals(RecordedTrace.fromFile(jsonl, traceId).spans(), fromFile.spans());
  }

  @Test
  void anInMemoryStoreReadsBackAsTheDatabaseDoes() throws Exception {
    dev.tracewright.runtime.store.InMemoryStore memory = new dev.tracewright.runtime.store.InMemoryStore();
    Path base = dir.resolve("traces");
    // The same run into both stores: recorded twice, so compared without IDs and times.
    Tracewright.init(TraceConfig.builder().store(memory).capturePolicy(CapturePolicy.FULL_LOCAL).maxContentBytes(1024).previewChars(100).build());
    recordRun("why is the sky blue? ask alice@example.com");
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));
    RecordedTrace fromMemory = RecordedTrace.fromStore(memory, memory.spans().get(0).traceId().substring(0, 6));
    record("why is the sky blue? ask alice@example.com");
    RecordedTrace fromDb;
    try (Connection c = open(base)) {
      fromDb = RecordedTrace.fromDatabase(c, onlyTraceId(c));
    }
    assertEquals(outline(fromDb), outline(fromMemory));
    for (int i = 0; i < fromDb.spans().size(); i++) {
      RecordedSpan d = fromDb.spans().get(i);
      RecordedSpan m = fromMemory.spans().get(i);
      assertEquals(d.input(), m.input(), d.name());
      assertEquals(d.output(), m.output(), d.name());
      assertEquals(d.attributes(), m.attributes(), d.name());
      assertEquals(d.events().size(), m.events().size(), d.name());
      assertEquals(d.capturePolicy(), m.capturePolicy(), d.name());
    }
    assertTrue(TraceDiff.between(fromDb, fromMemory).equal(), "two recordings of one run compare equal");
    assertEquals("no trace with ID starting 'ffff' in the store",
        assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromStore(memory, "ffff")).getMessage());
  }

  @Test
  void contentStatesSayWhatTheStoredTextIsWorth() throws Exception {
    Path base = record("why is the sky blue? ask alice@example.com");
    RecordedTrace t;
    try (Connection c = open(base)) {
      t = RecordedTrace.fromDatabase(c, onlyTraceId(c));
    }
    RecordedSpan root = t.root().orElseThrow();
    assertEquals(State.FULL, root.input().state());
    assertEquals("{\"question\":\"why is the sky blue? ask [REDACTED:email]\"}", root.input().json(), "stored redacted");
    assertEquals("\"blue\"", root.output().json());
    assertEquals(RecordedContent.sha256("\"blue\""), root.output().hash(), "the hash is the blob's SHA-256");

    RecordedSpan search = named(t, "search", 0);
    assertEquals("[{\"title\":\"Rayleigh\",\"rank\":1},{\"title\":\"Mie\",\"rank\":2}]", search.output().json());
    assertFalse(search.input().json().contains(KEY), "a key never comes back");
    assertEquals(List.of(new RecordedEvent(0, search.events().get(0).time(), "cache_miss", Map.of("attempt", "1", "store", "local"))),
        search.events());

    RecordedSpan chat = named(t, "chat", 0);
    assertEquals(SpanKind.LLM, chat.kind());
    assertEquals("gpt-4o", chat.model());
    assertEquals(1000L, chat.inputTokens());
    assertEquals(200L, chat.outputTokens());
    assertEquals(CapturePolicy.FULL_EXPORTABLE, chat.capturePolicy());

    RecordedSpan summary = named(t, "summarize", 0);
    assertEquals(State.PREVIEW, summary.output().state(), "REDACTED_PREVIEW keeps a preview only");
    assertEquals("\"" + "s".repeat(99) + "…", summary.output().json());
    assertEquals(RecordedContent.sha256(summary.output().json()), summary.output().hash());

    RecordedContent fetched = named(t, "fetch", 0).output();
    assertEquals(State.TRUNCATED, fetched.state(), "over the capture limit");
    assertTrue(fetched.json().endsWith("…[truncated at 1024 bytes]"), fetched.json());

    RecordedSpan notify = named(t, "notify", 0);
    assertEquals(RecordedContent.NONE, notify.input());
    assertEquals(RecordedContent.NONE, notify.output(), "METADATA_ONLY captured nothing");
    assertEquals(CapturePolicy.METADATA_ONLY, notify.capturePolicy());
    assertEquals(RecordedContent.NONE, named(t, "log", 0).output(), "a void method has no output");
    assertEquals(State.FULL, named(t, "log", 0).input().state());

    RecordedSpan lookup = named(t, "lookup", 0);
    assertTrue(lookup.isError());
    assertEquals("java.lang.IllegalStateException", lookup.errorType());
    assertEquals("index offline", lookup.errorMessage());
    assertEquals(RecordedContent.NONE, lookup.output());

    RecordedSpan memory = named(t, "remember", 0);
    assertEquals(Map.of("slot", "3", "persist", "true"), memory.attributes());
    assertEquals("{\"slot\":3}", memory.output().json());

    assertEquals("research", t.name());
    assertEquals(RecordedSpan.OK, t.status());
    assertEquals(1, t.errorCount());
    assertEquals(1200, t.inputTokens() + t.outputTokens());
  }

  @Test
  void hashesOnlyReadsNoBlobButTheSameHashesAndStates() throws Exception {
    Path base = record("q");
    RecordedTrace full;
    RecordedTrace hashes;
    try (Connection c = open(base)) {
      String id = onlyTraceId(c);
      full = RecordedTrace.fromDatabase(c, id);
      hashes = RecordedTrace.fromDatabase(c, id, RecordedTrace.ContentLoad.HASHES_ONLY);
    }
    assertEquals(full.spans().size(), hashes.spans().size());
    for (int i = 0; i < full.spans().size(); i++) {
      RecordedContent f = full.spans().get(i).output();
      RecordedContent h = hashes.spans().get(i).output();
      assertEquals(f.hash(), h.hash());
      assertEquals(f.state(), h.state(), full.spans().get(i).name());
      assertEquals(f.state() == State.PREVIEW ? f.json() : null, h.json(), "only previews are read");
    }
    assertEquals(State.TRUNCATED, named(hashes, "fetch", 0).output().state(), "told by the blob's media type");
  }

  @Test
  void withoutContentTheExportKeepsHashesSoOutputsStayComparable() throws Exception {
    Path base = record("q");
    Path full = dir.resolve("full.jsonl");
    Path bare = dir.resolve("bare.jsonl");
    try (Connection c = open(base)) {
      StoredSpans.exportJsonl(c, full, true);
      StoredSpans.exportJsonl(c, bare, false);
    }
    String text = Files.readString(bare, StandardCharsets.UTF_8);
    assertFalse(text.contains("Mie") || text.contains("\\\"blue\\\""), "FULL_LOCAL content stays out without --content");
    assertTrue(text.contains("\"code_function\":\"search\"") && text.contains("\"capture_policy\":\"FULL_LOCAL\""));
    RecordedTrace withContent = RecordedTrace.fromFile(full);
    RecordedTrace without = RecordedTrace.fromFile(bare);
    for (int i = 0; i < withContent.spans().size(); i++) {
      RecordedSpan a = withContent.spans().get(i);
      RecordedSpan b = without.spans().get(i);
      assertEquals(a.output().hash(), b.output().hash(), a.name());
      boolean exportable = a.capturePolicy() == CapturePolicy.FULL_EXPORTABLE;
      assertEquals(exportable || a.output().hash() == null ? a.output() : new RecordedContent(null, a.output().hash(), State.ABSENT),
          b.output(), a.name());
    }
    assertEquals("\"blue, because of Rayleigh scattering\"", named(without, "chat", 0).output().json(), "FULL_EXPORTABLE is always exported");
  }

  @Test
  void theLiveJsonlExporterWritesAFileThatReadsBackAsTheSameTree() throws Exception {
    Path base = dir.resolve("traces");
    Path live = dir.resolve("live.jsonl");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).capturePolicy(CapturePolicy.FULL_LOCAL)
        .exporter(new dev.tracewright.runtime.export.JsonlFileExporter(live)).build());
    recordRun("q");
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));
    RecordedTrace fromDb;
    try (Connection c = open(base)) {
      fromDb = RecordedTrace.fromDatabase(c, onlyTraceId(c));
    }
    RecordedTrace fromLive = RecordedTrace.fromFile(live);
    assertEquals(outline(fromDb), outline(fromLive));
    for (int i = 0; i < fromDb.spans().size(); i++) {
      RecordedSpan d = fromDb.spans().get(i);
      RecordedSpan f = fromLive.spans().get(i);
      assertEquals(d.spanId(), f.spanId());
      assertEquals(d.output().hash(), f.output().hash(), d.name());
      assertEquals(d.capturePolicy() == CapturePolicy.FULL_EXPORTABLE ? d.output().json() : null, f.output().json(),
          "a live export carries FULL_EXPORTABLE content only: " + d.name());
    }
  }

  @Test
  void aFileOfSeveralTracesNamesThemAndAPrefixPicksOne() throws Exception {
    Path base = record("first", "second");
    Path jsonl = dir.resolve("two.jsonl");
    List<String> ids = new ArrayList<>();
    try (Connection c = open(base)) {
      StoredSpans.exportJsonl(c, jsonl, true);
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT trace_id FROM traces ORDER BY start_time")) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      assertEquals("{\"question\":\"second\"}", RecordedTrace.fromDatabase(c, ids.get(1)).root().orElseThrow().input().json());
      String common = commonPrefix(ids.get(0), ids.get(1));
      IllegalArgumentException ambiguous = assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromDatabase(c, common));
      assertEquals("'" + common + "' matches 2 traces (" + ids.get(0) + ", " + ids.get(1) + "); give more digits", ambiguous.getMessage());
      assertEquals("no trace with ID starting 'ffff' in the database",
          assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromDatabase(c, "FFFF")).getMessage());
    }
    IllegalArgumentException several = assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(jsonl));
    assertEquals(jsonl + " holds 2 traces (" + ids.get(0) + ", " + ids.get(1)
        + "); pick one by ID or prefix (RecordedTrace.fromFile(path, id), or <file>#<id> on the command line)", several.getMessage());
    RecordedTrace second = RecordedTrace.fromFile(jsonl, ids.get(1).toUpperCase());
    assertEquals(ids.get(1), second.traceId());
    assertEquals("{\"question\":\"second\"}", second.root().orElseThrow().input().json());
    assertEquals(11, second.spans().size(), "only the chosen trace's spans");
    String common = commonPrefix(ids.get(0), ids.get(1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(jsonl, common)).getMessage()
        .startsWith("'" + common + "' matches 2 traces"));
  }

  private static String commonPrefix(String a, String b) {
    int i = 0;
    while (i < a.length() && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return a.substring(0, Math.max(1, i));
  }

  @Test
  void badInputIsOneLineNamingTheFileAndLine() throws Exception {
    Path missing = dir.resolve("missing.jsonl");
    assertEquals(missing + ": no such file", assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(missing)).getMessage());

    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
    assertEquals(empty + " holds no spans (an empty export?)", assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(empty)).getMessage());

    String good = "{\"trace_id\":\"0123456789abcdef0123456789abcdef\",\"span_id\":\"0123456789abcdef\",\"name\":\"a\",\"kind\":\"AGENT\","
        + "\"status\":\"OK\",\"start_time\":\"2026-11-23T10:00:00Z\",\"end_time\":\"2026-11-23T10:00:01Z\",\"duration_ms\":1000.0}";
    Path notJson = Files.writeString(dir.resolve("bad.jsonl"), good + "\n{oops\n");
    String message = assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(notJson)).getMessage();
    assertTrue(message.startsWith(notJson + ":2: not JSON ("), message);
    assertFalse(message.contains("\n"), message);

    Path notSpan = Files.writeString(dir.resolve("notspan.jsonl"), good + "\n\n{\"trace_id\":\"0123456789abcdef0123456789abcdef\",\"x\":1}\n");
    assertEquals(notSpan + ":3: not a span: no \"span_id\"", assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(notSpan)).getMessage());

    Path array = Files.writeString(dir.resolve("array.jsonl"), "[1,2]\n");
    assertEquals(array + ":1: not a span: expected a JSON object per line",
        assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(array)).getMessage());

    Path otlp = Files.writeString(dir.resolve("otlp.json"), "{\"resourceSpans\":[]}\n");
    assertEquals(otlp + ":1: this is OTLP JSON, not JSONL; export with tracewright export --format jsonl --content",
        assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(otlp)).getMessage());

    Path badKind = Files.writeString(dir.resolve("kind.jsonl"), good.replace("AGENT", "ROBOT") + "\n");
    assertEquals(badKind + ":1: \"kind\" is not one of [AGENT, TOOL, LLM, RETRIEVAL, MEMORY, STEP]: ROBOT",
        assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(badKind)).getMessage());

    Path twice = Files.writeString(dir.resolve("twice.jsonl"), good + "\n" + good + "\n");
    assertEquals(twice + ":2: span 0123456789abcdef appears twice", assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(twice)).getMessage());

    Path binary = dir.resolve("binary.jsonl");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(binary)).getMessage().startsWith(binary + ":1: "));

    Path one = Files.writeString(dir.resolve("one.jsonl"), good + "\n");
    assertEquals("'xyz\\u000a' is not a trace ID: expected up to 32 hex digits",
        assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(one, "xyz\n")).getMessage());
    assertEquals("no trace with ID starting 'abc' in " + one, assertThrows(IllegalArgumentException.class, () -> RecordedTrace.fromFile(one, "abc")).getMessage());
    assertEquals(RecordedContent.NONE, RecordedTrace.fromFile(one).root().orElseThrow().output());
  }

  private static RecordedSpan span(String id, String parent, String name, Instant start) {
    return new RecordedSpan(id, parent, name, SpanKind.STEP, "OK", start, start.plusMillis(1), 1.0, null, null, null, null, null, null,
        null, null, Map.of(), null, null, CapturePolicy.FULL_LOCAL, List.of());
  }

  @Test
  void siblingsAreOrderedByStartThenIdAndAForeignParentMakesARoot() {
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    RecordedTrace t = new RecordedTrace("t", List.of(
        span("0000000000000005", "0000000000000001", "late", t0.plusMillis(5)),
        span("0000000000000004", "0000000000000001", "tie-b", t0.plusMillis(2)),
        span("0000000000000003", "0000000000000001", "tie-a", t0.plusMillis(2)),
        span("0000000000000001", null, "root", t0),
        span("0000000000000009", "00000000000000ff", "remote-child", t0.plusMillis(9))));
    assertEquals(List.of("root", "  tie-a", "  tie-b", "  late", "remote-child"), outline(t));
    assertEquals("root", t.root().orElseThrow().name());
    assertEquals(2, t.roots().size());
    assertEquals(List.of(), t.children("0000000000000005"));
  }

  @Test
  void aTenThousandDeepChainNeedsNoDeepStack() {
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    List<RecordedSpan> chain = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      chain.add(span(String.format("%016x", i + 1), i == 0 ? null : String.format("%016x", i), "s", t0.plusNanos(i)));
    }
    java.util.Collections.reverse(chain);
    RecordedTrace t = new RecordedTrace("t", chain);
    assertEquals(10_000, t.spans().size());
    assertEquals(9_999, t.depth(String.format("%016x", 10_000)));
    assertEquals(String.format("%016x", 1), t.spans().get(0).spanId());
  }

  @Test
  void aParentCycleIsRefused() {
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecordedTrace("t", List.of(
        span("0000000000000001", null, "root", t0),
        span("0000000000000002", "0000000000000003", "a", t0),
        span("0000000000000003", "0000000000000002", "b", t0))));
    assertEquals("trace t: span 0000000000000002 is its own ancestor (its parent chain is a cycle)", e.getMessage());
    RecordedSpan root = span("0000000000000001", null, "root", t0);
    assertEquals("trace t: span 0000000000000001 appears twice",
        assertThrows(IllegalArgumentException.class, () -> RecordedTrace.of("t", List.of(root, root))).getMessage());
    assertEquals(List.of(root), RecordedTrace.of("t", List.of(root)).spans());
  }

  @Test
  void contentDroppedToBoundMemoryIsNotFull() {
    assertEquals(State.TRUNCATED, RecordedContent.stateOfFullText("{\"$contentDropped\":\"over the queued-content budget\"}"));
    assertEquals(State.TRUNCATED, RecordedContent.stateOfFullText("\"abc…[truncated at 64 bytes]"));
    assertEquals(State.FULL, RecordedContent.stateOfFullText("[\"…[truncated at 64 bytes]\"]"), "only the marker the writer appends");
  }
}
