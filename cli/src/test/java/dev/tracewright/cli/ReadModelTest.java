package dev.tracewright.cli;

import static dev.tracewright.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.cli.CliTest.Result;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.TraceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The read model and the commands on it: filters, read-only opening, untrusted text, deep traces, prune. */
@Timeout(120)
class ReadModelTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private Path record(String name, Runnable agent) {
    Path db = dir.resolve(name + "/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    agent.run();
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    return db;
  }

  private static void agent(String name, boolean toolFails, boolean rootFails) {
    try (ActiveSpan root = Tracewright.span(name, SpanKind.AGENT).start()) {
      try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("query", "q").start()) {
        if (toolFails) {
          tool.error(new IllegalStateException("timeout"));
        }
      }
      if (rootFails) {
        root.error(new IllegalStateException("gave up"));
      }
    }
  }

  @Test
  void listFindsTracesByPartOfTheirNameAndByAPhraseInTheirStoredContent() {
    Path db = dir.resolve("search/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).capturePolicy(dev.tracewright.annotations.CapturePolicy.FULL_LOCAL).build());
    try (ActiveSpan root = Tracewright.span("Checkout-Flow", SpanKind.AGENT).input("order", "order 1 for alice@example.com").start()) {
      try (ActiveSpan llm = Tracewright.span("chat", SpanKind.LLM).input("prompt", "Be brief. ".repeat(100) + "Ship to the Blue Lagoon\nthen stop").start()) {
        llm.output("Shipped.");
      }
    }
    try (ActiveSpan root = Tracewright.span("checkout-v2", SpanKind.AGENT).input("order", "order 2: blue shoes").start()) {
      root.output("the lagoon is closed");
    }
    try (ActiveSpan root = Tracewright.span("refund", SpanKind.AGENT).start()) {
      root.error(new IllegalStateException("Card declined by issuer"));
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    String at = "--db=" + db;

    assertEquals(List.of("checkout-v2", "Checkout-Flow"), names(run("list", "--name", "CHECKOUT", at)), "part of the name, any case");
    assertEquals(List.of("checkout-v2"), names(run("list", "--name", "out-v", at)));
    assertTrue(run("list", "--name", "zzz", at).out().startsWith("no traces match"));
    // Past the preview, in the full prompt kept as a blob; the line break is stored as JSON's \n.
    assertEquals(List.of("Checkout-Flow"), names(run("list", "--text", "blue LAGOON", at)));
    assertEquals(List.of(), names(run("list", "--text", "lagoon blue", at)), "its words, not the phrase");
    assertEquals(List.of("checkout-v2", "Checkout-Flow"), names(run("list", "--text", "lagoon", at)));
    assertEquals(List.of("refund"), names(run("list", "--text", "declined by", at)), "an error message");
    assertEquals(List.of(), names(run("list", "--text", "alice@example.com", at)), "content is searched as stored: redacted");
    assertEquals(List.of("Checkout-Flow"), names(run("list", "--text", "order 1 for", at)));
    assertEquals(List.of("checkout-v2"), names(run("list", "--text", "lagoon", "--name", "v2", at)), "with the other filters");
    Result none = run("list", "--text", "!?", at);
    assertEquals(2, none.exit());
    assertTrue(none.err().contains("no word to search for"), none.err());
  }

  @Test
  void errorsListsAnyFailedSpanAndFailedListsFailedRunsOnly() {
    Path db = record("filters", () -> {
      agent("clean", false, false);
      agent("recovered", true, false);
      agent("failed", true, true);
    });
    assertEquals(List.of("failed", "recovered"), names(run("list", "--errors", "--db", db.toString())));
    assertEquals(List.of("failed"), names(run("list", "--failed", "--db", db.toString())));
    assertEquals(List.of("recovered"), names(run("list", "--name", "recovered", "--db", db.toString())));
    assertEquals(List.of("failed", "recovered", "clean"), names(run("list", "--db", db.toString())));
    assertTrue(run("list", "--errors", "--failed", "--db", db.toString()).err().contains("alternatives"));
    assertTrue(run("list", "--help").out().replaceAll("\\s+", " ").contains("also when the agent recovered"), "the help says which is which");
  }

  @Test
  void pagesFollowEachOtherWithoutGapsOrRepeats() throws Exception {
    Path db = record("pages", () -> {
      for (int i = 0; i < 25; i++) {
        agent("run" + i, false, false);
      }
    });
    try (TraceDb traces = TraceDb.open(db)) {
      List<String> seen = new ArrayList<>();
      TraceQuery page = TraceQuery.recent(7);
      List<TraceRecord> found;
      while (!(found = traces.traces(page)).isEmpty()) {
        found.forEach(t -> seen.add(t.name()));
        page = page.after(found.get(found.size() - 1));
      }
      List<String> expected = new ArrayList<>();
      for (int i = 24; i >= 0; i--) {
        expected.add("run" + i);
      }
      assertEquals(expected, seen);
    }
  }

  /** Traces matching {@code query}, all pages, newest first, by name. */
  private static List<String> allPages(TraceDb traces, TraceQuery first) throws Exception {
    List<String> seen = new ArrayList<>();
    TraceQuery page = first;
    List<TraceRecord> found;
    while (!(found = traces.traces(page)).isEmpty()) {
      found.forEach(t -> seen.add(t.name() + "#" + t.traceId().substring(28)));
      page = page.after(found.get(found.size() - 1));
    }
    return seen;
  }

  @Test
  void rareAndCommonFiltersFindTheSameTracesWhicheverIndexTheyUse() throws Exception {
    // Over TraceDb.RARE traces of one name, model and span name (read by walking traces newest
    // first), and a few of another (read through their own index): each filter, paged, must list
    // exactly the matching traces, newest first, both ways.
    int common = TraceDb.RARE + 200;
    Path db = record("selective", () -> {
      for (int i = 0; i < common; i++) {
        boolean rare = i % 1000 == 7;
        try (ActiveSpan root = Tracewright.span(rare ? "audit" : "research", SpanKind.AGENT).start();
            ActiveSpan call = Tracewright.span(rare ? "Rerank Docs" : "chat", SpanKind.LLM).model(rare ? "claude-x" : "gpt-4o").start()) {
          call.output(i);
        }
        if (i % 1000 == 999) {
          assertTrue(Tracewright.flush()); // the writer's queue holds 8192 spans
        }
      }
    });
    try (TraceDb traces = TraceDb.open(db)) {
      List<String> everything = allPages(traces, TraceQuery.recent(1000));
      assertEquals(common, everything.size());
      List<String> rare = everything.stream().filter(n -> n.startsWith("audit#")).toList();
      List<String> usual = everything.stream().filter(n -> n.startsWith("research#")).toList();
      assertEquals(6, rare.size());
      assertEquals(rare, allPages(traces, new TraceQuery(4, null, null, null, null, "audit", null, null, null)), "rare name");
      assertEquals(usual, allPages(traces, new TraceQuery(700, null, null, null, null, "research", null, null, null)), "common name");
      assertEquals(rare, allPages(traces, new TraceQuery(4, null, null, null, null, null, null, "claude-x", null)), "rare model");
      assertEquals(usual, allPages(traces, new TraceQuery(700, null, null, null, null, null, null, "gpt-4o", null)), "common model");
      assertEquals(rare, allPages(traces, new TraceQuery(4, null, null, null, null, null, null, null, "rerank")), "rare span text, any case");
      assertEquals(usual, allPages(traces, new TraceQuery(700, null, null, null, null, null, null, null, "CHA")), "common span text");
      assertEquals(List.of(), traces.traces(new TraceQuery(10, null, null, null, null, null, null, "no-such-model", null)));
      assertEquals(List.of(), traces.traces(new TraceQuery(10, null, null, null, null, "no-such-name", null, null, null)));
      assertEquals(List.of(), traces.traces(new TraceQuery(10, null, null, null, null, null, null, null, "zzz")));
      assertEquals(List.of(), traces.traces(new TraceQuery(10, null, null, null, null, "audit", null, "gpt-4o", null)), "filters combine");
      assertEquals(rare, allPages(traces, new TraceQuery(4, null, null, null, null, "audit", null, "claude-x", "rerank")), "all three");
      assertEquals(List.of(), traces.traces(new TraceQuery(10, null, null, null, null, "research", null, "claude-x", null)), "a common name and a rare model");
    }
  }

  @Test
  void everySortPagesThroughAllTracesInItsOrderWithTiesAndMissingValues() throws Exception {
    Path db = record("sorted", () -> {
      for (int i = 0; i < 40; i++) {
        try (ActiveSpan root = Tracewright.span("run" + i, SpanKind.AGENT).start()) {
          for (int s = 0; s < i % 3; s++) {
            try (ActiveSpan step = Tracewright.span("step", SpanKind.STEP).start()) {
              step.output(s);
            }
          }
          if (i % 5 != 0) { // every fifth run has no price and no tokens: sorted last
            Tracewright.current().tokens(100 * (i % 4), 10).cost(0.001 * (i % 4)); // ties
          }
        }
      }
    });
    try (TraceDb traces = TraceDb.open(db)) {
      List<TraceRecord> all = new ArrayList<>();
      for (TraceQuery page = TraceQuery.recent(1000); ; ) {
        List<TraceRecord> found = traces.traces(page);
        all.addAll(found);
        if (found.isEmpty()) break;
        page = page.after(found.get(found.size() - 1));
      }
      assertEquals(40, all.size());
      Map<TraceQuery.Sort, java.util.function.Function<TraceRecord, Double>> keys = new LinkedHashMap<>();
      keys.put(TraceQuery.Sort.DURATION, t -> t.durationMs());
      keys.put(TraceQuery.Sort.COST, TraceRecord::costUsd);
      keys.put(TraceQuery.Sort.TOKENS, t -> (double) (t.inputTokens() + t.outputTokens()));
      keys.put(TraceQuery.Sort.SPANS, t -> (double) t.spanCount());
      for (TraceQuery.Sort sort : TraceQuery.Sort.values()) {
        List<TraceRecord> seen = new ArrayList<>();
        TraceQuery page = TraceQuery.recent(7).sorted(sort);
        List<TraceRecord> found;
        while (!(found = traces.traces(page)).isEmpty()) {
          seen.addAll(found);
          page = page.after(found.get(found.size() - 1));
        }
        assertEquals(all.stream().map(TraceRecord::traceId).sorted().toList(), seen.stream().map(TraceRecord::traceId).sorted().toList(),
            sort + ": every trace once");
        for (int i = 1; i < seen.size(); i++) {
          TraceRecord a = seen.get(i - 1);
          TraceRecord b = seen.get(i);
          int newerFirst = b.startTime().compareTo(a.startTime()) != 0 ? b.startTime().compareTo(a.startTime()) : b.traceId().compareTo(a.traceId());
          if (sort == TraceQuery.Sort.NEWEST) {
            assertTrue(newerFirst < 0, sort + " at " + i);
          } else if (sort == TraceQuery.Sort.OLDEST) {
            assertTrue(newerFirst > 0, sort + " at " + i);
          } else {
            Double ka = keys.get(sort).apply(a);
            Double kb = keys.get(sort).apply(b);
            boolean inOrder = kb == null ? (ka != null || newerFirst < 0)
                : ka != null && (ka > kb || (ka.equals(kb) && newerFirst < 0));
            assertTrue(inOrder, sort + " at " + i + ": " + ka + " then " + kb);
          }
        }
      }
      assertEquals("run39", traces.traces(TraceQuery.recent(1)).get(0).name());
      assertEquals("run0", traces.traces(TraceQuery.recent(1).sorted(TraceQuery.Sort.OLDEST)).get(0).name());
      assertEquals(0.003, traces.traces(TraceQuery.recent(1).sorted(TraceQuery.Sort.COST)).get(0).costUsd(), 1e-9);
    }
    Result r = run("list", "--db", db.toString(), "--sort", "cost", "--limit", "3");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().lines().skip(1).allMatch(l -> l.contains("$0.0030")), r.out());
    Result bad = run("list", "--db", db.toString(), "--sort", "price");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("expected newest, oldest, duration, cost, tokens or spans, not 'price'"), bad.err());
  }

  @Test
  void readingNeverChangesTheDatabaseFile() throws Exception {
    Path db = record("readonly", () -> agent("research", true, false));
    Path file = H2Store.dataFile(db);
    byte[] before = Files.readAllBytes(file);
    FileTime modified = Files.getLastModifiedTime(file);
    String id = names(run("list", "--db", db.toString())).isEmpty() ? "" : firstId(run("list", "--db", db.toString()));
    assertEquals(0, run("show", id, "--content", "--db", db.toString()).exit());
    assertEquals(0, run("stats", "--db", db.toString()).exit());
    assertEquals(0, run("export", "--format", "jsonl", "--db", db.toString()).exit());
    assertEquals(0, run("prune", "--older-than", "1d", "--dry-run", "--db", db.toString()).exit());
    assertArrayEquals(before, Files.readAllBytes(file), "read-only commands leave the file byte for byte");
    assertEquals(modified, Files.getLastModifiedTime(file));
  }

  @Test
  void emptyAndTruncatedFilesAreRefusedAndLeftAlone() throws Exception {
    Path empty = dir.resolve("empty/traces");
    Files.createDirectories(empty.getParent());
    Files.createFile(H2Store.dataFile(empty));
    Result r = run("list", "--db", empty.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no trace was recorded yet"), r.err());
    assertEquals(0, Files.size(H2Store.dataFile(empty)), "not replaced by a new database");

    Path good = record("truncated", () -> agent("research", false, false));
    Path file = H2Store.dataFile(good);
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(file), 8192);
    Files.write(file, head);
    Result t = run("list", "--db", good.toString());
    assertEquals(2, t.exit(), t.out());
    assertEquals(1, t.err().lines().count(), t.err());
    assertArrayEquals(head, Files.readAllBytes(file), "the truncated file is left as it was");

    Path noTraces = dir.resolve("fresh/traces");
    Files.createDirectories(noTraces.getParent());
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(noTraces, false, false), "sa", "")) {
      c.createStatement().execute("SELECT 1"); // an H2 file whose agent stopped before creating anything
    }
    Result fresh = run("list", "--db", noTraces.toString());
    assertEquals(2, fresh.exit());
    assertTrue(fresh.err().contains("no span was recorded"), fresh.err());
  }

  @Test
  void exportNeverOverwritesTheDatabaseOrAFileItDidNotCreate() throws Exception {
    Path db = record("export", () -> agent("research", false, false));
    byte[] before = Files.readAllBytes(H2Store.dataFile(db));
    Result onDb = run("export", "--format", "jsonl", "-o", H2Store.dataFile(db).toString(), "--force", "--db", db.toString());
    assertEquals(2, onDb.exit());
    assertTrue(onDb.err().contains("over an H2 database file"), onDb.err());
    assertArrayEquals(before, Files.readAllBytes(H2Store.dataFile(db)));

    Path mine = dir.resolve("notes.txt");
    Files.writeString(mine, "my notes");
    Result exists = run("export", "--format", "jsonl", "-o", mine.toString(), "--db", db.toString());
    assertEquals(2, exists.exit());
    assertTrue(exists.err().contains("pass --force"), exists.err());
    assertEquals("my notes", Files.readString(mine));
    assertEquals(0, run("export", "--format", "jsonl", "-o", mine.toString(), "--force", "--db", db.toString()).exit());
    assertTrue(Files.readString(mine).contains("\"research\""));
  }

  @Test
  void controlCharactersInCapturedTextAreShownEscaped() {
    Path db = record("escapes", () -> {
      try (ActiveSpan root = Tracewright.span("evil\u001b]0;pwned\u0007name", SpanKind.AGENT).start()) {
        root.error(new IllegalStateException("bad\u001b[2Jthing\u202etxt.exe"));
      }
    });
    Result list = run("list", "--db", db.toString());
    Result show = run("show", firstId(list), "--db", db.toString(), "--no-color");
    for (Result r : List.of(list, show)) {
      assertFalse(r.out().contains("\u001b"), r.out());
      assertFalse(r.out().contains("\u0007") || r.out().contains("\u202e"), r.out());
    }
    assertTrue(show.out().contains("evil\\u001b]0;pwned\\u0007name"), show.out());
    assertTrue(show.out().contains("bad\\u001b[2Jthing\\u202etxt.exe"), show.out());
  }

  @Test
  void aTraceThousandsOfSpansDeepIsShownWithoutRecursion() {
    int depth = 5_000;
    Path db = record("deep", () -> {
      List<ActiveSpan> open = new ArrayList<>();
      for (int i = 0; i < depth; i++) {
        open.add(Tracewright.span("level" + i, SpanKind.STEP).start());
      }
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    });
    Result show = run("show", firstId(run("list", "--db", db.toString())), "--db", db.toString());
    assertEquals(0, show.exit(), show.err());
    assertEquals(depth + 1, show.out().lines().count());
    assertTrue(show.out().contains("[depth 4999] level4999"), "deep levels say their depth instead of drawing it");
    assertTrue(show.out().lines().mapToInt(String::length).max().orElseThrow() < 400, "lines stay readable");
  }

  @Test
  void eventAttributesKeepTheOrderTheyWereGiven() throws Exception {
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (String key : List.of("zeta", "alpha", "mid", "beta", "omega", "gamma", "delta", "kappa", "a1", "z9")) {
      ordered.put(key, key.length());
    }
    Path db = record("events", () -> {
      try (ActiveSpan s = Tracewright.span("e", SpanKind.STEP).start()) {
        s.event("ordered", ordered);
      }
    });
    try (TraceDb traces = TraceDb.open(db)) {
      TraceRecord t = traces.traces(TraceQuery.recent(1)).get(0);
      Map<String, Object> back = traces.events(t.traceId()).values().iterator().next().get(0).attributes();
      assertEquals(new ArrayList<>(ordered.keySet()), new ArrayList<>(back.keySet()));
    }
  }

  @Test
  void statsSaysWhichTokensAreWhose() {
    Path db = record("stats", () -> {
      try (ActiveSpan root = Tracewright.span("research", SpanKind.AGENT).start()) {
        try (ActiveSpan llm = Tracewright.span("chat", SpanKind.LLM).model("gpt-4o").start()) {
          llm.tokens(1000, 500);
        }
      }
    });
    Result r = run("stats", "--db", db.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    int byTrace = lines.indexOf(lines.stream().filter(l -> l.startsWith("By trace")).findFirst().orElseThrow());
    int bySpan = lines.indexOf(lines.stream().filter(l -> l.startsWith("By span name")).findFirst().orElseThrow());
    String runRow = lines.subList(byTrace, bySpan).stream().filter(l -> l.startsWith("research")).findFirst().orElseThrow();
    String spanRow = lines.subList(bySpan, lines.size()).stream().filter(l -> l.startsWith("research")).findFirst().orElseThrow();
    assertTrue(runRow.matches("research +1 .* 1,500 .*"), "the run counts its LLM call's tokens: " + runRow);
    assertTrue(spanRow.matches("research +1 .* 0 .*"), "the agent span's own tokens: " + spanRow);
    assertTrue(lines.get(bySpan).contains("own"), lines.get(bySpan));
  }

  @Test
  void percentilesAreWithinOnePercentOfExact() throws Exception {
    Path db = dir.resolve("percentiles/traces");
    H2Store store = H2Store.file(db);
    List<dev.tracewright.runtime.store.SpanRecord> spans = new ArrayList<>();
    java.time.Instant start = java.time.Instant.now().minusSeconds(60);
    for (int ms = 1; ms <= 1000; ms++) { // durations 1..1000 ms, shuffled by id order
      String id = String.format("%016x", 0x1000L + (ms * 7919L) % 1000);
      spans.add(new dev.tracewright.runtime.store.SpanRecord(id, String.format("%032x", ms), null, "tool", SpanKind.TOOL, "OK",
          start, start.plusMillis(ms), ms * 1_000_000L, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, Map.of(), null));
    }
    try {
      store.write(new dev.tracewright.runtime.store.WriteBatch(spans, List.of(), List.of(), List.of()));
    } finally {
      store.close();
    }
    try (TraceDb traces = TraceDb.open(db)) {
      StatsReport.Row tool = StatsReport.compute(traces, null).bySpanName().get(0);
      assertEquals(1000, tool.count());
      assertEquals(500, tool.p50Ms(), 5, "p50 within 1%");
      assertEquals(950, tool.p95Ms(), 9.5, "p95 within 1%");
      assertEquals(0, StatsReport.compute(traces, java.time.Instant.now()).bySpanName().size(), "an empty window");
    }
  }

  @Test
  void pruneDeletesWholeOldTracesAndTheContentNothingElseUses() throws Exception {
    Path db = dir.resolve("prune/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).build());
    for (int i = 0; i < 30; i++) {
      try (ActiveSpan root = Tracewright.span("old" + i, SpanKind.AGENT).input("q", "x".repeat(2000) + i).start()) {
        try (ActiveSpan tool = Tracewright.span("shared", SpanKind.TOOL).input("q", "the same long text ".repeat(100)).start()) {
          tool.event("e", Map.of("k", i));
        }
      }
    }
    assertTrue(Tracewright.flush());
    try (ActiveSpan root = Tracewright.span("new", SpanKind.AGENT).start()) {
      try (ActiveSpan tool = Tracewright.span("shared", SpanKind.TOOL).input("q", "the same long text ".repeat(100)).start()) {
        tool.event("e", Map.of("k", 99));
      }
    }
    Tracewright.shutdown();
    // Ages are whole seconds: move the old traces a day back so the cutoff falls cleanly between them.
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, false, true), "sa", "")) {
      c.createStatement().execute("UPDATE traces SET start_time = DATEADD(DAY, -2, start_time) WHERE name LIKE 'old%'");
    }
    Result dry = run("prune", "--older-than", "1d", "--dry-run", "--db", db.toString());
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(dry.out().startsWith("would delete 30 traces, 60 spans, 30 events and 31 blobs"), dry.out());
    assertEquals(31, names(run("list", "--limit", "100", "--db", db.toString())).size(), "a dry run deletes nothing");

    long before = Files.size(H2Store.dataFile(db));
    Result prune = run("prune", "--older-than", "1d", "--db", db.toString());
    assertEquals(0, prune.exit(), prune.err());
    assertTrue(prune.out().startsWith("deleted 30 traces, 60 spans, 30 events and 30 blobs"), prune.out());
    assertTrue(prune.out().contains("compacted"), prune.out());
    assertTrue(Files.size(H2Store.dataFile(db)) < before, "the space is given back");
    assertEquals(List.of("new"), names(run("list", "--db", db.toString())));
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, false, true), "sa", "")) {
      var rs = c.createStatement().executeQuery("SELECT (SELECT COUNT(*) FROM spans), (SELECT COUNT(*) FROM span_events),"
          + " (SELECT COUNT(*) FROM blobs), (SELECT COUNT(*) FROM spans s WHERE NOT EXISTS (SELECT 1 FROM traces t WHERE t.trace_id = s.trace_id))");
      rs.next();
      assertEquals(List.of(2L, 1L, 1L, 0L), List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)),
          "the new trace whole, with the blob it shares with the pruned ones");
    }
    assertTrue(run("prune", "--older-than", "0d", "--db", db.toString()).err().contains("more than 0"));
  }

  private static List<String> names(Result list) {
    return list.out().lines().skip(1).filter(l -> !l.startsWith("no traces")).map(l -> l.split("\\s+")[1]).toList();
  }

  private static String firstId(Result list) {
    return list.out().lines().skip(1).findFirst().orElseThrow(() -> new AssertionError(list.out() + list.err())).split("\\s+")[0];
  }
}
