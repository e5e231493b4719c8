package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.context.Ids;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollups equal the exact aggregate of the stored spans and traces (computed by H2 from the
 * rows themselves) after writes, a rewrite after a lost sync, replaced trace rows, prunes, the
 * migration of a file created at schema 5, and two writers on one file at once.
 */
class RollupsTest {
  private static final Instant BASE = Instant.parse("2026-11-20T10:00:00Z");
  private static final AtomicLong SEQUENCE = new AtomicLong();

  @TempDir Path dir;

  /** One trace of {@code n} spans from {@code start}: skewed durations, some errors, models, tokens and costs (some missing). */
  static Trace trace(SplittableRandom random, Instant start, int n) {
    String traceId = Ids.hex(start.toEpochMilli() << 20 | SEQUENCE.incrementAndGet(), random.nextLong() | 1);
    String rootId = Ids.hex(start.toEpochMilli() << 20 | SEQUENCE.incrementAndGet());
    List<SpanRecord> spans = new ArrayList<>();
    long offset = 0;
    int errors = 0;
    long in = 0;
    long out = 0;
    double cost = 0;
    for (int i = 0; i < n; i++) {
      boolean llm = i % 3 == 0;
      // Log-normal-ish: most calls fast, a long tail up to a minute.
      long nanos = (long) (Math.exp(random.nextDouble() * random.nextDouble() * 11) * 1_000_000) + random.nextInt(1000);
      boolean failed = random.nextInt(10) == 0;
      Long inTokens = llm ? 100L + random.nextInt(3000) : null;
      Long outTokens = llm ? 10L + random.nextInt(500) : null;
      Double usd = llm && random.nextInt(4) != 0 ? inTokens * 2.5e-6 + outTokens * 1e-5 : null;
      Instant s = start.plusNanos(offset);
      String model = llm ? (random.nextBoolean() ? "gpt-4o" : "claude-x") : null;
      String name = llm ? "chat" : random.nextBoolean() ? "search" : "calculate";
      spans.add(new SpanRecord(Ids.hex(start.toEpochMilli() << 20 | SEQUENCE.incrementAndGet()), traceId, rootId, name,
          llm ? SpanKind.LLM : SpanKind.TOOL, failed ? SpanRecord.ERROR : SpanRecord.OK, s, s.plusNanos(nanos), nanos, null, null, "t",
          model, null, inTokens, outTokens, usd, null, null, null, null, null, null, Map.of(), CapturePolicy.METADATA_ONLY));
      errors += failed ? 1 : 0;
      in += inTokens == null ? 0 : inTokens;
      out += outTokens == null ? 0 : outTokens;
      cost += usd == null ? 0 : usd;
      offset += nanos / 3;
    }
    boolean failed = random.nextInt(8) == 0;
    spans.add(new SpanRecord(rootId, traceId, null, "agent", SpanKind.AGENT, failed ? SpanRecord.ERROR : SpanRecord.OK, start,
        start.plusNanos(offset + 1000), offset + 1000, null, null, "t", null, null, null, null, null, null, null, null, null, null, null,
        Map.of(), CapturePolicy.METADATA_ONLY));
    TraceRecord row = new TraceRecord(traceId, "agent", "svc", start, start.plusNanos(offset + 1000), offset + 1000,
        failed ? SpanRecord.ERROR : SpanRecord.OK, rootId, n + 1, errors + (failed ? 1 : 0), in, out, cost == 0 ? null : cost);
    return new Trace(spans, row);
  }

  record Trace(List<SpanRecord> spans, TraceRecord row) {}

  /** Traces spread over {@code hours} hours from BASE, written in batches of a few traces. */
  static List<Trace> write(H2Store store, SplittableRandom random, int traces, int hours, Instant base) throws SQLException {
    List<Trace> all = new ArrayList<>();
    List<SpanRecord> spans = new ArrayList<>();
    List<TraceRecord> rows = new ArrayList<>();
    for (int t = 0; t < traces; t++) {
      Trace trace = trace(random, base.plusSeconds(random.nextLong(hours * 3600L)), 1 + random.nextInt(12));
      all.add(trace);
      spans.addAll(trace.spans());
      rows.add(trace.row());
      if (rows.size() == 7 || t == traces - 1) {
        store.write(new WriteBatch(spans, List.of(), rows, List.of()));
        spans.clear();
        rows.clear();
      }
    }
    return all;
  }

  /** Every rollup row as it should be (from the rows themselves, by H2), keyed; {@code withRange}: also min and max (a prune leaves them wide). */
  static Map<String, List<Object>> exact(Connection c, boolean ofSpans, boolean withRange) throws SQLException {
    Rollups.Changes changes = new Rollups.Changes();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(ofSpans ? Rollups.SPAN_AGGREGATE.formatted("") : Rollups.TRACE_AGGREGATE.formatted(""))) {
      changes.read(rs, ofSpans, 1);
    }
    Map<String, List<Object>> out = new TreeMap<>();
    (ofSpans ? changes.spans : changes.traces).forEach((k, d) -> {
      List<Object> values = new ArrayList<>(List.of(d.count, d.errors, d.inputTokens, d.outputTokens, d.priced, d.cost, d.unpriced));
      if (withRange) {
        values.add(d.min);
        values.add(d.max);
      }
      values.add(LatencyHistogram.encode(d.histogram));
      out.put(k.hour() + "|" + k.name() + (ofSpans ? "|" + k.model() : ""), normal(values));
    });
    return out;
  }

  /** The stored rollup rows, keyed as {@link #exact}. */
  static Map<String, List<Object>> stored(Connection c, boolean ofSpans, boolean withRange) throws SQLException {
    String sql = ofSpans
        ? "SELECT hour_start, name, model, spans, errors, input_tokens, output_tokens, priced_calls, cost_usd, unpriced_calls, min_ms, max_ms, histogram FROM span_rollups"
        : "SELECT hour_start, name, traces, errors, input_tokens, output_tokens, priced_calls, cost_usd, unpriced_calls, min_ms, max_ms, histogram FROM trace_rollups";
    int keyColumns = ofSpans ? 3 : 2;
    Map<String, List<Object>> out = new TreeMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        StringBuilder key = new StringBuilder(rs.getObject(1, OffsetDateTime.class).toInstant().toString());
        for (int i = 2; i <= keyColumns; i++) {
          key.append('|').append(rs.getString(i));
        }
        List<Object> values = new ArrayList<>();
        for (int i = keyColumns + 1; i <= keyColumns + 9; i++) {
          if (withRange || i < keyColumns + 8) {
            values.add(rs.getObject(i));
          }
        }
        values.add(rs.getBytes(keyColumns + 10));
        out.put(key.toString(), normal(values));
      }
    }
    return out;
  }

  /** Numbers as plain decimals (a long, a DECIMAL and a double of one value compare equal), histograms as bucket=count. */
  private static List<Object> normal(List<Object> values) {
    List<Object> out = new ArrayList<>();
    for (Object v : values) {
      out.add(v instanceof Number x ? new java.math.BigDecimal(x.toString()).stripTrailingZeros().toPlainString()
          : v instanceof byte[] h ? LatencyHistogram.decode(h).toString() : v);
    }
    return out;
  }

  static void assertExact(Connection c, boolean withRange) throws SQLException {
    Map<String, List<Object>> spans = exact(c, true, withRange);
    assertTrue(spans.size() > 10, "a test worth its name has rows: " + spans.size());
    assertSame(spans, stored(c, true, withRange));
    assertSame(exact(c, false, withRange), stored(c, false, withRange));
  }

  /** Equal maps, or a message with the first differences (not two thousand rows). */
  static void assertSame(Map<String, List<Object>> expected, Map<String, List<Object>> actual) {
    List<String> diff = new ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String k : keys) {
      if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
        diff.add(k + ": expected " + expected.get(k) + ", stored " + actual.get(k));
      }
    }
    assertTrue(diff.isEmpty(), diff.size() + " of " + keys.size() + " rows differ, such as " + diff.subList(0, Math.min(6, diff.size())));
  }

  private Connection open(Path base) throws SQLException {
    return DriverManager.getConnection(H2Store.fileUrl(base, true, true), "sa", "");
  }

  @Test
  void writesPruneAndRewritesKeepTheRollupsExact() throws Exception {
    Path base = dir.resolve("traces");
    H2Store store = H2Store.file(base);
    try {
      SplittableRandom random = new SplittableRandom(7);
      List<Trace> traces = write(store, random, 300, 30, BASE);
      try (Connection c = open(base)) {
        assertExact(c, true);
      }

      // A batch written again after a lost sync (part stored, part new) is merged, not counted twice.
      Trace again = traces.get(5);
      Trace fresh = trace(random, BASE.plusSeconds(3600 * 5 + 17), 6);
      List<SpanRecord> spans = new ArrayList<>(again.spans());
      spans.addAll(fresh.spans());
      store.write(new WriteBatch(spans, List.of(), List.of(again.row(), fresh.row()), List.of()));
      // A trace row replaced by a later one (a span ended after the root) takes back what the first counted.
      TraceRecord r = traces.get(9).row();
      store.write(new WriteBatch(List.of(), List.of(), List.of(new TraceRecord(r.traceId(), r.name(), r.serviceName(), r.startTime(),
          r.endTime().plusSeconds(90), r.durationNanos() + 90_000_000_000L, SpanRecord.ERROR, r.rootSpanId(), r.spanCount() + 1,
          r.errorCount() + 1, r.inputTokens() + 5, r.outputTokens(), 1.25)), List.of()));
      try (Connection c = open(base)) {
        assertExact(c, true);
      }

      // Retention: the oldest ten hours go, in batches of 13 traces.
      TracePruner.Removed removed = TracePruner.Removed.NONE;
      for (TracePruner.Removed batch; (batch = store.prune(BASE.plusSeconds(10 * 3600), 13)).traces() > 0; ) {
        removed = removed.plus(batch);
      }
      assertTrue(removed.traces() > 50, "pruned " + removed);
      try (Connection c = open(base)) {
        assertExact(c, false);
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM span_rollups WHERE hour_start < TIMESTAMP WITH TIME ZONE '2026-11-20 20:00:00Z'")) {
          rs.next();
          assertEquals(0, rs.getLong(1), "rows of pruned hours are deleted, not left at zero");
        }
      }
    } finally {
      store.close();
    }
  }

  @Test
  void migrationBackfillsAFileOfSchemaFive() throws Exception {
    Path base = dir.resolve("old");
    // Rows written at schema 7 and copied into a schema-5 file with plain SQL: the columns of 5 are a subset.
    Path source = dir.resolve("source");
    H2Store writer = H2Store.file(source);
    try {
      write(writer, new SplittableRandom(11), 200, 12, BASE);
    } finally {
      writer.close();
    }
    try (Connection old = DriverManager.getConnection(H2Store.fileUrl(base, false, false), "sa", "")) {
      Schema.migrate(old, Schema.MIGRATIONS.subList(0, 5));
      try (Statement st = old.createStatement()) {
        assertEquals(5, Schema.version(st));
        st.execute("CREATE LINKED TABLE src_spans('org.h2.Driver', '" + H2Store.fileUrl(source, false, true) + "', 'sa', '', 'SPANS')");
        st.execute("CREATE LINKED TABLE src_traces('org.h2.Driver', '" + H2Store.fileUrl(source, false, true) + "', 'sa', '', 'TRACES')");
        st.execute("INSERT INTO spans SELECT span_id, trace_id, parent_span_id, name, kind, status, start_time, end_time, duration_ms,"
            + " code_namespace, code_function, thread_name, model, provider, input_tokens, output_tokens, cost_usd, input_preview,"
            + " output_preview, input_ref, output_ref, error_type, error_message, attributes, capture_policy FROM src_spans");
        st.execute("INSERT INTO traces (trace_id, name, service_name, start_time, end_time, duration_ms, status, root_span_id,"
            + " span_count, error_count, input_tokens, output_tokens, cost_usd) SELECT trace_id, name, service_name, start_time,"
            + " end_time, duration_ms, status, root_span_id, span_count, error_count, input_tokens, output_tokens, cost_usd FROM src_traces");
        st.execute("DROP TABLE src_spans");
        st.execute("DROP TABLE src_traces");
      }
    }
    H2Store store = H2Store.file(base);
    try {
      store.connection(); // migrates
      try (Connection c = open(base)) {
        assertExact(c, true);
        try (Connection s = open(source)) {
          assertSame(stored(s, true, true), stored(c, true, true)); // the backfill equals what the writer kept
          assertSame(stored(s, false, true), stored(c, false, true));
          assertEquals(flags(s), flags(c), "has_error backfilled as the writer sets it");
        }
      }
    } finally {
      store.close();
    }
  }

  private static Map<String, Boolean> flags(Connection c) throws SQLException {
    Map<String, Boolean> out = new TreeMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT trace_id, has_error FROM traces")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getBoolean(2));
      }
    }
    assertTrue(out.containsValue(true) && out.containsValue(false));
    return out;
  }

  @Test
  void twoWritersOnOneFileCountEverySpanOnce() throws Exception {
    Path base = dir.resolve("shared");
    H2Store first = H2Store.file(base);
    H2Store second = H2Store.file(base);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      first.connection();
      second.connection();
      // Same hours, names and models: the two writers update and insert the same rollup rows.
      Future<?> a = pool.submit(() -> write(first, new SplittableRandom(1), 400, 3, BASE));
      Future<?> b = pool.submit(() -> write(second, new SplittableRandom(2), 400, 3, BASE));
      a.get();
      b.get();
      try (Connection c = open(base)) {
        assertExact(c, true);
        try (PreparedStatement st = c.prepareStatement("SELECT SUM(spans) FROM span_rollups"); ResultSet rs = st.executeQuery()) {
          rs.next();
          try (Statement count = c.createStatement(); ResultSet n = count.executeQuery("SELECT COUNT(*) FROM spans")) {
            n.next();
            assertEquals(n.getLong(1), rs.getLong(1));
          }
        }
      }
    } finally {
      pool.shutdown();
      first.close();
      second.close();
    }
  }

  @Test
  void aStoredHistogramReadsBackAsItWasWritten() {
    SplittableRandom random = new SplittableRandom(5);
    TreeMap<Integer, Long> counts = new TreeMap<>();
    for (int i = 0; i < 500; i++) {
      counts.put(random.nextInt(-700, 900), random.nextLong(1, Long.MAX_VALUE / 4));
    }
    counts.put(Integer.MIN_VALUE / 2, 1L); // a jump wider than any real one
    counts.put(Integer.MAX_VALUE / 2, 3L);
    byte[] stored = LatencyHistogram.encode(counts);
    assertEquals(counts, LatencyHistogram.decode(stored));
    TreeMap<Integer, Long> withEmpty = new TreeMap<>(counts);
    withEmpty.put(950, 0L); // nothing left in a bucket (a prune took it): not stored
    withEmpty.put(951, -2L);
    assertEquals(counts, LatencyHistogram.decode(LatencyHistogram.encode(withEmpty)));
  }

  @Test
  void hourAndBucketAreTheSameInJavaAndSql() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:rollup-keys", "sa", "");
        PreparedStatement st = c.prepareStatement("SELECT " + Rollups.hourSql("CAST(? AS TIMESTAMP(9) WITH TIME ZONE)") + ", "
            + Rollups.bucketSql("CAST(? AS DOUBLE PRECISION)"))) {
      SplittableRandom random = new SplittableRandom(3);
      for (int i = 0; i < 2000; i++) {
        Instant t = BASE.plusNanos(random.nextLong(400L * 24 * 3600 * 1_000_000_000L));
        double ms = Math.exp(random.nextDouble(-8, 12));
        // Also at bucket edges, where a rounding difference would show.
        if (i % 2 == 0) {
          ms = Math.exp((double) random.nextInt(-400, 600) / Rollups.BUCKETS_PER_E);
        }
        st.setObject(1, OffsetDateTime.ofInstant(t, ZoneOffset.ofHours(i % 3 - 1)));
        st.setDouble(2, ms);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          assertEquals(Rollups.hour(t), rs.getObject(1, OffsetDateTime.class).toInstant(), "hour of " + t);
          assertEquals(Rollups.bucket(ms), rs.getInt(2), "bucket of " + ms);
        }
      }
    }
  }
}
