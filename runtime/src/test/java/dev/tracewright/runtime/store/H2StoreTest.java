package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real H2 files and memory databases, written through the runtime and read back with JDBC. */
class H2StoreTest {
  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  /** A small agent run: a root, a tool, an LLM call with tokens, a failing step, an event. */
  static String recordSampleTrace() {
    try (ActiveSpan root = Tracewright.span("research", SpanKind.AGENT).input("question", "sky?").start()) {
      try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("query", "sky").start()) {
        tool.output(List.of("blue", "rayleigh"));
        tool.event("cache_miss", Map.of("key", "sky"));
      }
      try (ActiveSpan llm = Tracewright.span("chat", SpanKind.LLM).model("gpt-4o").provider("openai").start()) {
        llm.tokens(1000, 200);
      }
      try (ActiveSpan step = Tracewright.span("remember", SpanKind.MEMORY).start()) {
        step.error(new IllegalStateException("memory full"));
      }
      return root.traceId();
    }
  }

  private static Connection open(Path base) throws SQLException {
    return DriverManager.getConnection(H2Store.fileUrl(base, true, true), "sa", "");
  }

  private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void fileDatabaseHoldsSpansTracesEventsBlobsAndViews() throws Exception {
    Path base = dir.resolve("db/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    String traceId = recordSampleTrace();
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    try (Connection c = open(base)) {
      List<List<Object>> trace = rows(c, "SELECT name, status, span_count, error_count, input_tokens, output_tokens, cost_usd, root_span_id FROM traces");
      assertEquals(1, trace.size());
      assertEquals(List.of("research", "OK", 4, 1, 1000L, 200L), trace.get(0).subList(0, 6));
      assertEquals(0, new BigDecimal("0.0045").compareTo((BigDecimal) trace.get(0).get(6)));

      c.createStatement().execute("SET @trace = '" + traceId + "'");
      List<List<Object>> tree = rows(c, "SELECT depth, path, kind FROM span_tree");
      assertEquals(
          List.of(
              List.of(0, "research", "AGENT"),
              List.of(1, "research > search", "TOOL"),
              List.of(1, "research > chat", "LLM"),
              List.of(1, "research > remember", "MEMORY")),
          tree);

      List<List<Object>> span = rows(c, "SELECT start_time, duration_ms, input_preview, output_preview, input_ref, output_ref, thread_name FROM spans WHERE name = 'search'");
      assertTrue(span.get(0).get(0) instanceof OffsetDateTime, "TIMESTAMP WITH TIME ZONE");
      assertTrue(((Double) span.get(0).get(1)) >= 0);
      assertEquals("{\"query\":\"sky\"}", span.get(0).get(2));
      assertEquals("[\"blue\",\"rayleigh\"]", span.get(0).get(3));
      String outputRef = (String) span.get(0).get(5);
      assertEquals(
          List.of(List.of(19L, "application/json", "[\"blue\",\"rayleigh\"]")),
          rows(c, "SELECT size_bytes, media_type, CAST(content AS VARCHAR) FROM blobs WHERE hash = '" + outputRef + "'"));

      assertEquals(List.of(List.of(0, "cache_miss", "{\"key\":\"sky\"}")), rows(c, "SELECT seq, name, attributes FROM span_events"));
      assertEquals(List.of(List.of("gpt-4o", "openai", 1L, 1000L, 200L)),
          rows(c, "SELECT model, provider, calls, input_tokens, output_tokens FROM cost_by_model"));
      assertEquals(List.of(List.of("research", "remember", "java.lang.IllegalStateException", "memory full")),
          rows(c, "SELECT trace_name, name, error_type, error_message FROM errors"));
      List<List<Object>> summary = rows(c, "SELECT cost, cost_usd, duration, total_tokens FROM trace_summary");
      assertEquals(1, summary.size());
      assertEquals("$0.004500", summary.get(0).get(0), "cost rounded for reading");
      assertEquals(0, new BigDecimal("0.0045").compareTo((BigDecimal) summary.get(0).get(1)), "exact beside it");
      assertTrue(((String) summary.get(0).get(2)).matches("\\d+\\.\\d (ms|s)|\\d+\\.\\d\\d s"), "duration for reading: " + summary.get(0).get(2));
      assertFalse(rows(c, "SELECT name FROM slow_spans").isEmpty());
      assertEquals(List.of(List.of(Schema.currentVersion())), rows(c, "SELECT MAX(version) FROM schema_version"));
    }
  }

  @Test
  void memoryDatabaseWorksTheSame() throws Exception {
    H2Store store = H2Store.memory("h2storetest");
    Tracewright.init(TraceConfig.builder().store(store).build());
    recordSampleTrace();
    assertTrue(Tracewright.flush());
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:h2storetest", "sa", "")) {
      assertEquals(List.of(List.of(4L)), rows(c, "SELECT COUNT(*) FROM spans"));
    }
  }

  @Test
  void anyH2UrlWithItsOwnCredentials() throws Exception {
    H2Store store = H2Store.url("jdbc:h2:mem:credentials;DB_CLOSE_DELAY=-1", "agent", "s3cret");
    Tracewright.init(TraceConfig.builder().store(store).build());
    recordSampleTrace();
    assertTrue(Tracewright.flush());
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:credentials", "agent", "s3cret")) {
      assertEquals(List.of(List.of(4L)), rows(c, "SELECT COUNT(*) FROM spans"));
    }
    assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:h2:mem:credentials", "sa", "").close(), "sa is not a user of this one");
    assertThrows(IllegalArgumentException.class, () -> H2Store.url("jdbc:postgresql://x/y", "u", "p"));
    assertTrue(H2Store.file(dir.resolve("x")).withCredentials("agent", "pw").toString().contains("x.mv.db"));
  }

  @Test
  void filesAndDirectoryAreOwnerOnly() throws Exception {
    Path base = dir.resolve("private/traces");
    H2Store store = H2Store.file(base);
    store.connection();
    try {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(base.getParent())));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(H2Store.dataFile(base))));
    } finally {
      store.close();
    }
  }

  @Test
  void initLocalUsesTheSystemPropertyOverTheDefault() throws Exception {
    Path configured = dir.resolve("configured/agent");
    System.setProperty(H2Store.DB_PROPERTY, configured.toString());
    try {
      assertEquals(configured, H2Store.defaultPath());
      Tracewright.initLocal();
      recordSampleTrace();
      assertTrue(Tracewright.flush());
      Tracewright.shutdown();
      assertTrue(Files.isRegularFile(H2Store.dataFile(configured)), "initLocal wrote where the property said");
    } finally {
      System.clearProperty(H2Store.DB_PROPERTY);
    }
  }

  @Test
  void pathWithMvDbSuffixMeansTheSameDatabase() {
    assertEquals(H2Store.basePath(Path.of("x/traces")), H2Store.basePath(Path.of("x/traces.mv.db")));
    assertEquals(Path.of("x/traces.mv.db").toAbsolutePath(), H2Store.dataFile(Path.of("x/traces")));
  }

  /** Issue 22: span_tree was empty unless SET @trace was run first, with no hint. */
  @Test
  void spanTreeWithoutATraceShowsTheMostRecentUnderARowSayingHowToPickAnother() throws Exception {
    Path base = dir.resolve("tree/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    String older = recordSampleTrace();
    Thread.sleep(5);
    String newest;
    try (ActiveSpan root = Tracewright.span("second run", SpanKind.AGENT).start()) {
      newest = root.traceId();
      Tracewright.span("only step", SpanKind.STEP).start().close();
    }
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();

    try (Connection c = open(base)) {
      List<List<Object>> tree = rows(c, "SELECT trace_id, depth, indented_name FROM span_tree");
      assertEquals(3, tree.size(), tree.toString());
      String hint = (String) tree.get(0).get(2);
      assertTrue(hint.contains("most recent trace, second run (" + newest + ")") && hint.contains("SET @trace = '<trace id>'"), hint);
      assertEquals(Arrays.asList(newest, 0, "second run"), tree.get(1));
      assertEquals(Arrays.asList(newest, 1, "  only step"), tree.get(2));

      c.createStatement().execute("SET @trace = '" + older + "'");
      List<List<Object>> picked = rows(c, "SELECT depth, name FROM span_tree");
      assertEquals(List.of(0, "research"), picked.get(0), "a trace picked: its tree, no hint");
      assertEquals(4, picked.size());
      // Through the trace index, with or without @trace (fast on ten million spans).
      c.createStatement().execute("SET @trace = NULL");
      String plan = String.valueOf(rows(c, "EXPLAIN SELECT * FROM span_tree").get(0).get(0));
      assertTrue(plan.contains("SPANS_BY_TRACE"), plan);
    }
  }

  @Test
  void olderDatabaseIsMigratedAndKeepsItsRows() throws Exception {
    List<Schema.Migration> v1 = Schema.MIGRATIONS;
    List<Schema.Migration> v2 = new ArrayList<>(v1);
    v2.add(new Schema.Migration(Schema.currentVersion() + 1, "spans.session_id", List.of("ALTER TABLE spans ADD COLUMN session_id CHARACTER VARYING")));
    String url = "jdbc:h2:file:" + dir.resolve("old") + ";TRACE_LEVEL_FILE=0";
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      Schema.migrate(c, v1);
      c.createStatement().execute("INSERT INTO spans (span_id, trace_id, name, kind, status, start_time, end_time, duration_ms)"
          + " VALUES ('0000000000000001', '00000000000000000000000000000001', 'old', 'TOOL', 'OK', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)");
    }
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      Schema.migrate(c, v2);
      assertEquals(List.of(Arrays.asList("old", null)), rows(c, "SELECT name, session_id FROM spans"));
      assertEquals(List.of(List.of(Schema.currentVersion() + 1)), rows(c, "SELECT MAX(version) FROM schema_version"));
    }
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      SQLException newer = assertThrows(SQLException.class, () -> Schema.migrate(c, v1));
      assertTrue(newer.getMessage().contains("newer than this Tracewright"), newer.getMessage());
    }
  }

  @Test
  void aVersionOneDatabaseIsUpgradedWhenTracewrightOpensIt() throws Exception {
    Path base = dir.resolve("v1/traces");
    Files.createDirectories(base.getParent());
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, false), "sa", "")) {
      Schema.migrate(c, Schema.MIGRATIONS.subList(0, 1));
      c.createStatement().execute("INSERT INTO spans (span_id, trace_id, name, kind, status, start_time, end_time, duration_ms)"
          + " VALUES ('0000000000000001', '00000000000000000000000000000001', 'old', 'TOOL', 'OK', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)");
    }
    H2Store store = H2Store.file(base);
    try {
      assertEquals(List.of(Arrays.asList("old", null)), rows(store.connection(), "SELECT name, capture_policy FROM spans"));
      assertEquals(List.of(List.of(Schema.currentVersion())), rows(store.connection(), "SELECT MAX(version) FROM schema_version"));
      assertEquals(List.of(List.of("old", "INCOMPLETE")), rows(store.connection(), "SELECT name, status FROM traces"),
          "a trace whose root never ended gets its row on upgrade");
    } finally {
      store.close();
    }
  }

  /** Every blob's ref_count against the spans that really reference it; empty when all agree. */
  private static List<List<Object>> miscountedBlobs(Connection c) throws SQLException {
    return rows(c, "SELECT b.hash, b.ref_count, (SELECT COUNT(*) FROM spans s WHERE s.input_ref = b.hash)"
        + " + (SELECT COUNT(*) FROM spans s WHERE s.output_ref = b.hash) FROM blobs b"
        + " WHERE b.ref_count <> (SELECT COUNT(*) FROM spans s WHERE s.input_ref = b.hash)"
        + " + (SELECT COUNT(*) FROM spans s WHERE s.output_ref = b.hash)");
  }

  @Test
  void aVersionFourDatabaseCountsItsBlobReferencesAndDropsTheirIndexes() throws Exception {
    Path base = dir.resolve("v4/traces");
    Files.createDirectories(base.getParent());
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, false), "sa", "")) {
      Schema.migrate(c, Schema.MIGRATIONS.subList(0, 4));
      try (Statement st = c.createStatement()) {
        st.execute("CREATE INDEX IF NOT EXISTS spans_by_input_ref ON spans(input_ref)"); // what version 4 files have
        st.execute("CREATE INDEX IF NOT EXISTS spans_by_output_ref ON spans(output_ref)");
        String shared = "a".repeat(64);
        String once = "b".repeat(64);
        st.execute("INSERT INTO blobs (hash, size_bytes, media_type, content) VALUES ('" + shared + "', 1, 'application/json', '1'),"
            + " ('" + once + "', 1, 'application/json', '2'), ('" + "c".repeat(64) + "', 1, 'application/json', '3')");
        st.execute("INSERT INTO spans (span_id, trace_id, name, kind, status, start_time, end_time, duration_ms, input_ref, output_ref) VALUES"
            + " ('0000000000000001', '00000000000000000000000000000001', 'a', 'TOOL', 'OK', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, '" + shared + "', '" + shared + "'),"
            + " ('0000000000000002', '00000000000000000000000000000001', 'b', 'TOOL', 'OK', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, '" + shared + "', '" + once + "')");
      }
    }
    H2Store store = H2Store.file(base);
    try {
      Connection c = store.connection();
      assertEquals(List.of(List.of(3L), List.of(1L), List.of(0L)), rows(c, "SELECT ref_count FROM blobs ORDER BY hash"));
      assertEquals(List.of(), rows(c, "SELECT index_name FROM information_schema.indexes"
          + " WHERE index_name IN ('SPANS_BY_INPUT_REF', 'SPANS_BY_OUTPUT_REF')"), "the indexes the count replaces are gone");
    } finally {
      store.close();
    }
  }

  @Test
  void blobReferenceCountsFollowWritesAndPrunes() throws Exception {
    Path base = dir.resolve("refs/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    for (int i = 0; i < 3; i++) {
      try (ActiveSpan root = Tracewright.span("run" + i, SpanKind.AGENT).input("q", "the same question").start()) {
        root.output("the same answer");
        try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("q", "own " + i).start()) {
          tool.output("the same answer"); // one blob for both outputs of every run
        }
      }
      assertTrue(Tracewright.flush()); // one batch per run: counts add up across batches too
    }
    Tracewright.shutdown();
    try (Connection c = open(base)) {
      assertEquals(List.of(), miscountedBlobs(c));
      assertEquals(List.of(List.of(6L), List.of(3L), List.of(1L), List.of(1L), List.of(1L)),
          rows(c, "SELECT ref_count FROM blobs ORDER BY ref_count DESC"), "the answer twice a run, the question once, each tool input");
      c.createStatement().execute("UPDATE traces SET start_time = DATEADD(DAY, -2, start_time) WHERE name IN ('run0', 'run1')");
      c.setAutoCommit(false);
      TracePruner.Removed removed = new TracePruner(c).pruneBatch(java.time.Instant.now().minusSeconds(86_400), 100);
      assertEquals(new TracePruner.Removed(2, 4, 0, 2), removed, "the two runs' own tool inputs go; the shared blob stays");
      assertEquals(List.of(), miscountedBlobs(c));
      assertEquals(List.of(List.of(2L), List.of(1L), List.of(1L)), rows(c, "SELECT ref_count FROM blobs ORDER BY ref_count DESC"));
    }
  }

  /** Many small commits, as an agent at a slow pace makes: most of the file becomes dead pages. */
  private static void recordInManySmallCommits(int traces) {
    for (int i = 0; i < traces; i++) {
      try (ActiveSpan root = Tracewright.span("run", SpanKind.AGENT).input("q", "question " + i + " " + "x".repeat(300)).start()) {
        try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("q", "own " + i).start()) {
          tool.output("result " + i + " " + "y".repeat(300));
        }
      }
      assertTrue(Tracewright.flush());
    }
  }

  private static int chunksFillRate(Connection c) throws SQLException {
    return Integer.parseInt((String) rows(c, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
        + " WHERE SETTING_NAME = 'info.CHUNKS_FILL_RATE'").get(0).get(0));
  }

  @Test
  void aMostlyDeadFileIsCompactedWhenItsOnlyUserCloses() throws Exception {
    Path base = dir.resolve("compact/traces");
    H2Store store = H2Store.file(base);
    Tracewright.init(TraceConfig.builder().store(store).build());
    recordInManySmallCommits(400);
    int fill = chunksFillRate(store.connection());
    assertTrue(fill < 50, "the precondition: less than half of the chunks live, was " + fill + "%");
    long before = Files.size(H2Store.dataFile(base));
    Tracewright.shutdown();
    long after = Files.size(H2Store.dataFile(base));
    assertTrue(after * 2 < before, "compacted on close: " + before + " -> " + after + " bytes");
    try (Connection c = open(base)) {
      assertEquals(List.of(List.of(400L, 800L, 1200L)), rows(c, "SELECT (SELECT COUNT(*) FROM traces), (SELECT COUNT(*) FROM spans),"
          + " (SELECT COUNT(*) FROM blobs)"), "every trace and its content survive the rewrite");
    }
  }

  @Test
  void aFileAnotherConnectionUsesIsNotCompactedOnClose() throws Exception {
    Path base = dir.resolve("shared/traces");
    H2Store store = H2Store.file(base);
    Tracewright.init(TraceConfig.builder().store(store).build());
    recordInManySmallCommits(400);
    try (Connection reader = store.openReadConnection()) {
      long before = Files.size(H2Store.dataFile(base));
      Tracewright.shutdown();
      long after = Files.size(H2Store.dataFile(base));
      assertTrue(after >= before, "not compacted: " + before + " -> " + after + " bytes");
      assertEquals(List.of(List.of(400L)), rows(reader, "SELECT COUNT(*) FROM traces"), "the other connection still reads");
    }
  }

  @Test
  void aTraceHasAnIncompleteRowFromItsFirstWrittenSpanUntilItsRootEnds() throws Exception {
    Path base = dir.resolve("running/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    String traceId;
    try (ActiveSpan root = Tracewright.span("research", SpanKind.AGENT).start()) {
      traceId = root.traceId();
      try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).start()) {
        tool.tokens(10, 5);
      }
      assertTrue(Tracewright.flush());
      try (Connection c = open(base)) {
        List<List<Object>> row = rows(c, "SELECT name, status, end_time, duration_ms, root_span_id FROM traces WHERE trace_id = '" + traceId + "'");
        assertEquals(1, row.size(), "the running trace has a row");
        assertEquals(Arrays.asList("research", "INCOMPLETE", null, null, root.spanId()), row.get(0));
      }
    }
    try (ActiveSpan single = Tracewright.span("single", SpanKind.TOOL).start()) {
      single.attribute("k", "v");
    }
    assertTrue(Tracewright.flush());
    try (Connection c = open(base)) {
      assertEquals(List.of(List.of("research", "OK", 2, 15L), List.of("single", "OK", 1, 0L)),
          rows(c, "SELECT name, status, span_count, input_tokens + output_tokens FROM traces ORDER BY start_time"));
      assertEquals(List.of(List.of("single", "$0.000000", 0L), List.of("research", "unknown (1 call)", 1L)),
          rows(c, "SELECT name, cost, unpriced_calls FROM trace_summary"),
          "newest first; no call to pay costs 0, not null; a call with tokens and no price is unknown, not $0");
      assertEquals(0, BigDecimal.ZERO.compareTo((BigDecimal) rows(c, "SELECT cost_usd FROM trace_summary").get(0).get(0)));
      assertEquals(Arrays.asList((Object) null), rows(c, "SELECT cost_usd FROM trace_summary").get(1));
    }
  }

  @Test
  void retentionDeletesWholeOldTracesOnTheWriterThread() throws Exception {
    Path base = dir.resolve("retention/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    for (int i = 0; i < 450; i++) { // more than one retention batch
      recordSampleTrace();
    }
    Tracewright.shutdown();
    try (Connection c = open(base)) {
      c.createStatement().execute("UPDATE traces SET start_time = DATEADD(DAY, -40, start_time)");
    }
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).retention(java.time.Duration.ofDays(30)).build());
    String kept = recordSampleTrace();
    for (int i = 0; i < 50 && !Tracewright.flush(); i++) {
      Thread.sleep(10);
    }
    recordSampleTrace(); // each batch lets retention take its next few hundred
    assertTrue(Tracewright.flush());
    recordSampleTrace();
    assertTrue(Tracewright.flush());
    Tracewright.shutdown();
    try (Connection c = open(base)) {
      assertEquals(List.of(List.of(3L, 12L, 3L)), rows(c, "SELECT (SELECT COUNT(*) FROM traces), (SELECT COUNT(*) FROM spans),"
          + " (SELECT COUNT(*) FROM span_events)"));
      assertEquals(List.of(List.of(1L)), rows(c, "SELECT COUNT(*) FROM traces WHERE trace_id = '" + kept + "'"));
      assertEquals(List.of(List.of(0L)), rows(c, "SELECT COUNT(*) FROM blobs b WHERE NOT EXISTS"
          + " (SELECT 1 FROM spans s WHERE s.input_ref = b.hash OR s.output_ref = b.hash)"), "no orphaned content");
    }
  }

  @Test
  void aFailedSyncIsReportedOnceAndTheRewriteAfterItSyncs() throws Exception {
    H2Store store = H2Store.file(dir.resolve("resync/traces"));
    WriteBatch batch = new WriteBatch(List.of(), List.of(), List.of(), List.of(new BlobRecord("a".repeat(64), "text/plain", new byte[] {1})));
    try {
      store.write(batch);
      store.connection().close(); // the session dies between the commit and the sync
      assertThrows(SQLException.class, store::sync);
      store.write(batch); // what the writer does after a failed sync: everything since the last one again
      // Before: this threw 'failed before its last commits were synced' too, so the writer counted
      // every span since the last sync as failed although it had just written them again.
      store.sync();
      try (Connection c = open(dir.resolve("resync/traces"))) {
        assertEquals(List.of(List.of(1L)), rows(c, "SELECT COUNT(*) FROM blobs"));
      }
    } finally {
      store.close();
    }
  }

  @Test
  void autoServerSocketListensOnLoopbackOnly() throws Exception {
    Path base = dir.resolve("shared/traces");
    H2Store store = H2Store.file(base);
    store.connection();
    try {
      Properties lock = new Properties();
      try (var in = Files.newInputStream(base.resolveSibling("traces.lock.db"))) {
        lock.load(in);
      }
      String server = lock.getProperty("server");
      int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
      List<String> listeners = ListeningSockets.addresses(port);
      assertFalse(listeners.isEmpty(), "the AUTO_SERVER port is listening");
      for (String address : listeners) {
        assertTrue(ListeningSockets.isLoopback(address), "bound to " + address);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      }
      for (InetAddress external : nonLoopbackAddresses()) {
        try (Socket s = new Socket()) {
          assertThrows(IOException.class, () -> s.connect(new InetSocketAddress(external, port), 2000), external.toString());
        }
      }
    } finally {
      store.close();
    }
  }

  static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> out = new ArrayList<>();
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (!a.isLoopbackAddress() && a instanceof Inet4Address) {
          out.add(a);
        }
      }
    }
    return out;
  }
}
