package dev.tracewright.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracewright diff} on real runs recorded into a real H2 file, and on their JSONL exports. */
@Timeout(120)
class DiffCommandTest {
  static final TracedCall.Site RESEARCH = TracedCall.site(DiffCommandTest.class, "research", SpanKind.AGENT, "research").parameters("question");
  static final TracedCall.Site PLAN = TracedCall.site(DiffCommandTest.class, "plan", SpanKind.STEP, "plan").parameters("goal");
  static final TracedCall.Site SEARCH = TracedCall.site(DiffCommandTest.class, "search", SpanKind.TOOL, "search").parameters("query");
  static final TracedCall.Site VERIFY = TracedCall.site(DiffCommandTest.class, "verify", SpanKind.TOOL, "verify").parameters("claim");
  static final TracedCall.Site CHAT = TracedCall.site(DiffCommandTest.class, "chat", SpanKind.LLM, "chat").model("gpt-4o").provider("openai")
      .parameters("prompt");

  @TempDir Path dir;
  Path db;
  String original;
  String again;
  String changed;

  record Result(int exit, String out, String err) {}

  /**
   * research > plan > (search, search, chat). The changed run: the second search answers
   * differently (with a terminal escape in it), a verify step is added between, and chat fails.
   */
  static String run(boolean changed) {
    TracedCall root = RESEARCH.begin();
    root.input("why is the sky blue?");
    String id = Tracewright.current().traceId();
    TracedCall plan = PLAN.begin();
    plan.input("find sources");
    TracedCall s1 = SEARCH.begin();
    s1.input("sky");
    s1.returned(List.of("Rayleigh"));
    if (changed) {
      TracedCall verify = VERIFY.begin();
      verify.input("Rayleigh");
      verify.returned(true);
    }
    TracedCall s2 = SEARCH.begin();
    s2.input("sunset");
    s2.returned(List.of(changed ? "Mie\u001b[31m red" : "Mie"));
    TracedCall chat = CHAT.begin();
    chat.input("summarize");
    Tracewright.current().tokens(1000, 200);
    if (changed) {
      chat.threw(new IllegalStateException("model unavailable\u001b[2J"));
    } else {
      chat.returned("blue");
    }
    plan.returned();
    root.returned("blue");
    return id;
  }

  @BeforeEach
  void record() {
    db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    original = run(false);
    again = run(false);
    changed = run(true);
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  static Result cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = TracewrightCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The tree lines without their durations and deltas, which differ from run to run. */
  private static List<String> tree(String out) {
    return out.lines().filter(l -> l.matches("[ +~-] .*")).map(l -> l.replaceAll("\\s+(AGENT|STEP|TOOL|LLM)\\s+(\\S+)\\s.*?((added|removed|output changed|ERROR).*)?$", " $1 $2 $3").strip()).toList();
  }

  @Test
  void twoRunsOfTheSameAgentAreEqualWhateverTheirLatency() {
    // The 16-digit ID that `list` prints; 12 digits can name two traces started in one millisecond.
    Result r = cli("diff", original.substring(0, 16), again, "--db", db.toString());
    assertEquals(0, r.exit(), r.err() + r.out());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("a  " + original + "  research  "), lines.get(0));
    assertTrue(lines.get(0).endsWith("  5 spans  1,200 tokens  $0.0045  OK  (" + H2Store.dataFile(db) + ")"), lines.get(0));
    assertTrue(lines.get(1).startsWith("b  " + again), lines.get(1));
    assertEquals(List.of(
        "research AGENT OK",
        "└─ plan STEP OK",
        "├─ search TOOL OK",
        "├─ search TOOL OK",
        "└─ chat LLM OK"), tree(r.out()).stream().map(l -> l.replace("   ", "")).toList());
    assertTrue(r.out().contains("\ntotals  duration "), r.out());
    assertTrue(r.out().contains("  tokens 1,200 → 1,200 (+0)  cost $0.0045 → $0.0045 (+$0.0000)  spans 5 → 5 (+0)  errors 0 → 0 (+0)\n"), r.out());
    assertTrue(r.out().endsWith("equal: same structure, statuses and outputs (latency, tokens and cost are not compared)\n"), r.out());
  }

  @Test
  void anAddedSpanAChangedOutputAndAFailedSpanAreMarked() {
    Result r = cli("diff", original, changed, "--db", db.toString(), "--no-color");
    assertEquals(1, r.exit(), r.err() + r.out());
    List<String> rows = r.out().lines().filter(l -> l.matches("[ +~-] .*")).toList();
    assertEquals(6, rows.size(), r.out());
    assertTrue(rows.get(0).startsWith("  research "), rows.get(0));
    assertTrue(rows.get(1).startsWith("  └─ plan "), rows.get(1));
    assertTrue(rows.get(2).matches("  {4}├─ search +TOOL +OK .*"), rows.get(2));
    assertTrue(rows.get(3).matches("\\+ {4}├─ verify +TOOL +OK .*  added in b$"), rows.get(3));
    assertTrue(rows.get(4).matches("~ {4}├─ search +TOOL +OK .*  output changed$"), rows.get(4));
    assertTrue(rows.get(5).matches("~ {4}└─ chat +LLM +OK→ERROR .*  output changed  ERROR IllegalStateException: model unavailable\\\\u001b\\[2J$"), rows.get(5));
    assertTrue(r.out().contains("  spans 5 → 6 (+1)  errors 0 → 1 (+1)\n"), r.out());
    assertTrue(r.out().endsWith("different: 1 added, 0 removed, 2 changed\n"), r.out());
    assertFalse(r.out().contains("Mie"), "outputs only with --content");

    Result reversed = cli("diff", changed, original, "--db", db.toString());
    assertEquals(1, reversed.exit());
    assertTrue(reversed.out().lines().anyMatch(l -> l.matches("- {4}├─ verify +TOOL .*removed in b$")), reversed.out());
  }

  @Test
  void contentShowsBothOutputsOfChangedSpansEscaped() {
    Result r = cli("diff", original, changed, "--content", "--db", db.toString());
    assertEquals(1, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    int search = lines.indexOf(lines.stream().filter(l -> l.contains("output changed")).findFirst().orElseThrow());
    assertEquals("      a out [\"Mie\"]", lines.get(search + 1));
    assertEquals("      b out [\"Mie\\u001B[31m red\"]", lines.get(search + 2), "JSON escapes the control character; printed as is, never raw");
    assertTrue(r.out().contains("model unavailable\\u001b[2J"), "an error message's escape is shown, not sent");
    assertFalse(r.out().contains("\u001b"), "no raw escape reaches the terminal");
  }

  @Test
  void aJsonlExportComparesWithTheDatabaseAndWithoutContentStillByHash() throws Exception {
    Path full = dir.resolve("original.jsonl");
    Path bare = dir.resolve("bare.jsonl");
    assertEquals(0, cli("export", "--format", "jsonl", "--content", "--trace", original, "-o", full.toString(), "--db", db.toString()).exit());
    assertEquals(0, cli("export", "--format", "jsonl", "--trace", changed, "-o", bare.toString(), "--db", db.toString()).exit());

    Result same = cli("diff", full.toString(), again, "--db", db.toString());
    assertEquals(0, same.exit(), same.err() + same.out());
    assertTrue(same.out().lines().findFirst().orElseThrow().endsWith("  (" + full + ")"), same.out());

    Result fileVsFile = cli("diff", full.toString(), bare.toString(), "--content");
    assertEquals(1, fileVsFile.exit(), fileVsFile.err() + fileVsFile.out());
    assertTrue(fileVsFile.out().contains("      b out (not in this file: export it with --content)\n"), fileVsFile.out());
    assertTrue(fileVsFile.out().endsWith("different: 1 added, 0 removed, 2 changed\n"), fileVsFile.out());

    Path both = dir.resolve("both.jsonl");
    Files.writeString(both, Files.readString(full) + Files.readString(bare));
    Result several = cli("diff", both.toString(), changed);
    assertEquals(2, several.exit());
    assertTrue(several.err().startsWith("tracewright: " + both + " holds 2 traces ("), several.err());
    Result picked = cli("diff", both + "#" + original, both + "#" + changed);
    assertEquals(1, picked.exit(), picked.err());
  }

  @Test
  void badInputIsOneLineAndExitCodeTwo() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"trace_id\":\"ab\"}\nnot json\n");
    for (String[] args : List.of(
        new String[] {"diff", dir.resolve("missing.jsonl").toString(), original, "--db", db.toString()},
        new String[] {"diff", "ffffffff", original, "--db", db.toString()},
        new String[] {"diff", broken.toString(), original, "--db", db.toString()},
        new String[] {"diff", original, original, "--db", dir.resolve("nodb").toString()},
        new String[] {"diff", original, "--db", db.toString()})) {
      Result r = cli(args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("tracewright: "), r.err());
      assertEquals("", r.out());
    }
    assertEquals("tracewright: '" + dir.resolve("missing.jsonl") + "' is neither a file nor a trace ID (up to 32 hex digits)\n",
        cli("diff", dir.resolve("missing.jsonl").toString(), original, "--db", db.toString()).err());
    assertEquals("tracewright: " + broken + ":1: not a span: no \"span_id\"\n", cli("diff", broken.toString(), original, "--db", db.toString()).err());
    assertEquals("tracewright: 'a\\u0000b' is neither a file nor a trace ID (up to 32 hex digits)\n",
        cli("diff", "a\u0000b", original, "--db", db.toString()).err(), "a name no file system allows");
    assertEquals("tracewright: no trace with ID starting 'ffffffff' in the database\n", cli("diff", "ffffffff", original, "--db", db.toString()).err());
  }

  /**
   * Issue 20, item 5: times and token counts out of range are bad input (exit 2, one line naming the
   * span and field). Before, times centuries apart threw ArithmeticException in the trace's duration
   * (exit 3, an internal error) and 1e30 tokens were read as Long.MAX_VALUE without a word.
   */
  @Test
  void outOfRangeTimesAndTokenCountsAreBadInput() throws Exception {
    Path exported = dir.resolve("original.jsonl");
    assertEquals(0, cli("export", "--format", "jsonl", "--content", "--trace", original, "-o", exported.toString(), "--db", db.toString()).exit());
    String text = Files.readString(exported);
    assertTrue(text.contains("\"input_tokens\":1000,"), text);
    Path huge = Files.writeString(dir.resolve("huge.jsonl"), text.replace("\"input_tokens\":1000,", "\"input_tokens\":1e30,"));
    Result r = cli("diff", huge.toString(), again, "--db", db.toString());
    assertEquals(2, r.exit(), r.err() + r.out());
    assertTrue(r.err().startsWith("tracewright: " + huge + ":"), r.err());
    assertTrue(r.err().endsWith(" (chat): input_tokens 1.0E30 is not a whole number between 0 and 9223372036854775807\n"), r.err());
    assertEquals("", r.out());

    // Two roots a billion years either side of now: the trace's duration, first start to last end, overflowed.
    String root = "{\"trace_id\":\"0123456789abcdef0123456789abcdef\",\"span_id\":\"%s\",\"name\":\"research\",\"kind\":\"AGENT\","
        + "\"status\":\"OK\",\"start_time\":\"%s\",\"end_time\":\"%s\",\"duration_ms\":1.0}\n";
    Path ages = Files.writeString(dir.resolve("ages.jsonl"), String.format(root, "0000000000000001", "-1000000000-01-01T00:00:00Z",
        "-1000000000-01-01T00:00:00.001Z") + String.format(root, "0000000000000002", "+1000000000-01-01T00:00:00Z", "+1000000000-01-01T00:00:00.001Z"));
    r = cli("diff", ages.toString(), ages.toString());
    assertEquals(2, r.exit(), r.err() + r.out());
    assertEquals("tracewright: " + ages + ":1: span 0000000000000001 (research): start_time -1000000000-01-01T00:00:00Z is outside"
        + " 1970-01-01T00:00:00Z..2262-04-11T23:47:16.854775807Z (epoch nanoseconds in a long, as recorded)\n", r.err());

    // The same checks on the database's rows: a span that ends before it starts.
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(H2Store.fileUrl(db, false, true), "sa", "");
        java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE spans SET end_time = start_time - INTERVAL '1' SECOND WHERE trace_id = '" + again + "' AND name = 'plan'");
    }
    r = cli("diff", original, again, "--db", db.toString());
    assertEquals(2, r.exit(), r.err() + r.out());
    assertTrue(r.err().startsWith("tracewright: trace " + again + ": span "), r.err());
    assertTrue(r.err().contains(" (plan): end_time ") && r.err().contains(" is before start_time "), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }
}
