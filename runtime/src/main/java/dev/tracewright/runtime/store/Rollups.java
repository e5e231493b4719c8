package dev.tracewright.runtime.store;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-hour aggregates of spans ({@code span_rollups}: by hour of start, span name and model) and of
 * ended traces ({@code trace_rollups}: by hour of start and trace name), each row with its counts,
 * tokens, cost and a latency histogram ({@link LatencyHistogram}), so statistics over any window read
 * a row per hour and name instead of every span. They change only in the transaction that writes or
 * deletes what they count: the writer adds each batch's new spans and ended traces, a prune
 * subtracts the traces it deletes, migration 7 fills them from an existing file in one streaming pass.
 *
 * <p>Rows are shared by every process writing the file (H2's AUTO_SERVER), so a change locks its row
 * ({@code SELECT ... FOR UPDATE}), merges and writes it back, or inserts it when there is none; an
 * insert that loses a race to another writer's insert merges into the row that won. Keys are applied
 * in one order, so two writers never wait for each other in a cycle.
 *
 * <p>Latency buckets are on a log scale: {@link #BUCKETS_PER_E} per factor e, each 2% wide; a row
 * also keeps the smallest and largest duration it has seen (a subtraction leaves them as they were,
 * still bounds). A quantile read from the histogram is within 1% of the exact one.
 */
public final class Rollups {
  /** Buckets per factor e of duration: each is 2% wide. */
  public static final int BUCKETS_PER_E = 50;

  /** A model column of {@code span_rollups} for spans without a model (a key column cannot be NULL). */
  public static final String NO_MODEL = "";

  private static final double SMALLEST_MS = 0.000001;

  /** The same bucket as {@link #bucket(double)}, in SQL. */
  public static String bucketSql(String durationColumn) {
    return "CAST(FLOOR(LN(GREATEST(" + durationColumn + ", " + SMALLEST_MS + ")) * " + BUCKETS_PER_E + ") AS INT)";
  }

  /** The same hour as {@link #hour(Instant)}, in SQL. */
  public static String hourSql(String timeColumn) {
    return "DATE_TRUNC('HOUR', " + timeColumn + " AT TIME ZONE 'UTC')";
  }

  /** The histogram bucket of a duration in milliseconds. */
  public static int bucket(double durationMs) {
    return (int) Math.floor(Math.log(Math.max(durationMs, SMALLEST_MS)) * BUCKETS_PER_E);
  }

  /** The start of the UTC hour holding {@code time}. */
  public static Instant hour(Instant time) {
    return time.truncatedTo(ChronoUnit.HOURS);
  }

  /** A representative duration of a bucket (its geometric middle), to be kept within the bucket's min and max. */
  public static double middle(int bucket) {
    return Math.exp((bucket + 0.5) / BUCKETS_PER_E);
  }

  /** The smallest duration of a bucket. */
  public static double lower(int bucket) {
    return Math.exp((double) bucket / BUCKETS_PER_E);
  }

  /** The duration where the next bucket starts. */
  public static double upper(int bucket) {
    return Math.exp((double) (bucket + 1) / BUCKETS_PER_E);
  }

  /**
   * The spans of a set of traces aggregated as {@code span_rollups} rows per latency bucket, in SQL: a
   * prune subtracts it, migration 7 adds it up a day at a time. {@code %s} is the WHERE clause.
   */
  static final String SPAN_AGGREGATE =
      "SELECT " + hourSql("start_time") + " AS hour_start, name, COALESCE(model, '') AS model, " + bucketSql("duration_ms") + " AS bucket,"
          + " COUNT(*), SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END),"
          + " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), COUNT(cost_usd), COALESCE(SUM(cost_usd), 0),"
          + " SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END), MIN(duration_ms), MAX(duration_ms)"
          + " FROM spans %s GROUP BY hour_start, name, model, bucket";

  /** Ended traces aggregated as {@code trace_rollups} rows; {@code %s} is a condition ANDed to "has ended". */
  static final String TRACE_AGGREGATE =
      "SELECT " + hourSql("start_time") + " AS hour_start, name, " + bucketSql("duration_ms") + " AS bucket,"
          + " COUNT(*), SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END), COALESCE(SUM(input_tokens), 0),"
          + " COALESCE(SUM(output_tokens), 0), COUNT(cost_usd), COALESCE(SUM(cost_usd), 0), 0, MIN(duration_ms), MAX(duration_ms)"
          + " FROM traces WHERE status <> 'INCOMPLETE' AND duration_ms IS NOT NULL %s GROUP BY hour_start, name, bucket";

  /** The key of a rollup row; {@code model} is null for {@code trace_rollups}. */
  record Key(Instant hour, String name, String model) {
    static final Comparator<Key> ORDER = Comparator.comparing(Key::hour).thenComparing(Key::name)
        .thenComparing(Key::model, Comparator.nullsFirst(Comparator.naturalOrder()));
  }

  /** What one rollup row changes by: counts may be negative (a prune); min and max only ever widen. */
  static final class Delta {
    long count;
    long errors;
    long inputTokens;
    long outputTokens;
    long priced;
    BigDecimal cost = BigDecimal.ZERO;
    long unpriced;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    final TreeMap<Integer, Long> histogram = new TreeMap<>();

    void add(boolean error, Long in, Long out, BigDecimal usd, double durationMs, boolean span, int sign) {
      count += sign;
      errors += error ? sign : 0;
      inputTokens += in == null ? 0 : sign * in;
      outputTokens += out == null ? 0 : sign * out;
      if (usd != null) {
        priced += sign;
        cost = sign > 0 ? cost.add(usd) : cost.subtract(usd);
      } else if (span && in != null) { // a call that reported tokens and was not priced
        unpriced += sign;
      }
      histogram.merge(bucket(durationMs), (long) sign, Long::sum);
      if (sign > 0) {
        min = Math.min(min, durationMs);
        max = Math.max(max, durationMs);
      }
    }
  }

  /** A cost as its column stores it ({@code DECIMAL(20, 10)}), so sums here are sums of the stored values. */
  static BigDecimal stored(Double usd) {
    return usd == null ? null : BigDecimal.valueOf(usd).setScale(10, RoundingMode.HALF_UP);
  }

  /** Deltas to apply, keyed and ordered. */
  static final class Changes {
    final TreeMap<Key, Delta> spans = new TreeMap<>(Key.ORDER);
    final TreeMap<Key, Delta> traces = new TreeMap<>(Key.ORDER);

    void addSpan(SpanRecord s) {
      Key key = new Key(hour(s.startTime()), s.name(), s.model() == null ? NO_MODEL : s.model());
      spans.computeIfAbsent(key, k -> new Delta())
          .add(SpanRecord.ERROR.equals(s.status()), s.inputTokens(), s.outputTokens(), stored(s.costUsd()), s.durationMs(), true, 1);
    }

    /** An ended trace's row counted ({@code sign} 1) or taken back (-1); rows of unfinished traces count nothing. */
    void addTrace(Instant start, String name, String status, Double durationMs, long in, long out, BigDecimal usd, int sign) {
      if (TraceRecord.INCOMPLETE.equals(status) || durationMs == null) {
        return;
      }
      Key key = new Key(hour(start), name, null);
      traces.computeIfAbsent(key, k -> new Delta())
          .add(SpanRecord.ERROR.equals(status), in, out, usd, durationMs, false, sign);
    }

    /** Reads rows of {@link #SPAN_AGGREGATE} or {@link #TRACE_AGGREGATE} as deltas of {@code sign}. */
    void read(ResultSet rs, boolean ofSpans, int sign) throws SQLException {
      int c = ofSpans ? 5 : 4;
      while (rs.next()) {
        Instant hour = rs.getObject(1, OffsetDateTime.class).toInstant();
        Key key = new Key(hour, rs.getString(2), ofSpans ? rs.getString(3) : null);
        Delta d = (ofSpans ? spans : traces).computeIfAbsent(key, k -> new Delta());
        d.histogram.merge(rs.getInt(c - 1), sign * rs.getLong(c), Long::sum);
        d.count += sign * rs.getLong(c);
        d.errors += sign * rs.getLong(c + 1);
        d.inputTokens += sign * rs.getLong(c + 2);
        d.outputTokens += sign * rs.getLong(c + 3);
        d.priced += sign * rs.getLong(c + 4);
        d.cost = d.cost.add(rs.getBigDecimal(c + 5).multiply(BigDecimal.valueOf(sign)));
        d.unpriced += sign * rs.getLong(c + 6);
        if (sign > 0) {
          d.min = Math.min(d.min, rs.getDouble(c + 7));
          d.max = Math.max(d.max, rs.getDouble(c + 8));
        }
      }
    }

    boolean isEmpty() {
      return spans.isEmpty() && traces.isEmpty();
    }

    /** Applies the deltas in the caller's transaction: trace rows first, then span rows, each in key order. */
    void apply(Connection c) throws SQLException {
      if (!traces.isEmpty()) {
        apply(c, "trace_rollups", "traces", false, traces);
      }
      if (!spans.isEmpty()) {
        apply(c, "span_rollups", "spans", true, spans);
      }
    }

    private static void apply(Connection c, String table, String countColumn, boolean withModel, Map<Key, Delta> deltas) throws SQLException {
      String where = " WHERE hour_start = ? AND name = ?" + (withModel ? " AND model = ?" : "");
      String columns = countColumn + ", errors, input_tokens, output_tokens, priced_calls, cost_usd, unpriced_calls, min_ms, max_ms, histogram";
      try (PreparedStatement lock = c.prepareStatement("SELECT " + columns + " FROM " + table + where + " FOR UPDATE");
          PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET " + columns.replace(",", " = ?,") + " = ?" + where);
          PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (hour_start, name, " + (withModel ? "model, " : "")
              + columns + ") VALUES (?, ?, " + (withModel ? "?, " : "") + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + where)) {
        for (Map.Entry<Key, Delta> e : deltas.entrySet()) {
          if (!merge(lock, update, delete, e.getKey(), e.getValue(), withModel) && e.getValue().count > 0) {
            Delta d = e.getValue();
            int i = bindKey(insert, 1, e.getKey(), withModel);
            bindValues(insert, i, d.count, d.errors, d.inputTokens, d.outputTokens, d.priced, d.cost, d.unpriced, d.min, d.max, d.histogram);
            try {
              insert.executeUpdate();
            } catch (SQLException x) {
              // Another writer inserted it since our lock found nothing; its row is committed and ours to merge into now.
              if (!"23505".equals(x.getSQLState()) || !merge(lock, update, delete, e.getKey(), d, withModel)) {
                throw x;
              }
            }
          }
        }
      }
    }

    /** Locks the key's row and adds the delta to it (deleting it when nothing is left); false when there is no row. */
    private static boolean merge(PreparedStatement lock, PreparedStatement update, PreparedStatement delete, Key k, Delta d, boolean withModel)
        throws SQLException {
      bindKey(lock, 1, k, withModel);
      try (ResultSet rs = lock.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        long count = rs.getLong(1) + d.count;
        if (count <= 0) {
          bindKey(delete, 1, k, withModel);
          delete.executeUpdate();
          return true;
        }
        TreeMap<Integer, Long> histogram = LatencyHistogram.decode(rs.getBytes(10));
        d.histogram.forEach((bucket, n) -> histogram.merge(bucket, n, Long::sum));
        int i = bindValues(update, 1, count, rs.getLong(2) + d.errors, rs.getLong(3) + d.inputTokens, rs.getLong(4) + d.outputTokens,
            rs.getLong(5) + d.priced, rs.getBigDecimal(6).add(d.cost), rs.getLong(7) + d.unpriced, Math.min(rs.getDouble(8), d.min),
            Math.max(rs.getDouble(9), d.max), histogram);
        bindKey(update, i, k, withModel);
        update.executeUpdate();
        return true;
      }
    }

    private static int bindValues(PreparedStatement p, int i, long count, long errors, long in, long out, long priced, BigDecimal cost,
        long unpriced, double min, double max, Map<Integer, Long> histogram) throws SQLException {
      p.setLong(i++, count);
      p.setLong(i++, errors);
      p.setLong(i++, in);
      p.setLong(i++, out);
      p.setLong(i++, priced);
      p.setBigDecimal(i++, cost);
      p.setLong(i++, unpriced);
      p.setDouble(i++, min);
      p.setDouble(i++, max);
      p.setBytes(i++, LatencyHistogram.encode(histogram));
      return i;
    }

    private static int bindKey(PreparedStatement p, int i, Key k, boolean withModel) throws SQLException {
      p.setObject(i++, OffsetDateTime.ofInstant(k.hour(), ZoneOffset.UTC));
      p.setString(i++, k.name());
      if (withModel) {
        p.setString(i++, Objects.requireNonNull(k.model()));
      }
      return i;
    }
  }

  /**
   * Migration 7: the rollups of an existing file, from one pass over its spans and traces (H2's lazy
   * execution streams the rows rather than holding them), added up in Java and written every
   * {@link #BACKFILL_KEYS} rows of rollups, so memory stays flat however large the file. A key met
   * again after a write is merged into its row.
   */
  static void backfill(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LAZY_QUERY_EXECUTION TRUE");
      try {
        Changes changes = new Changes();
        try (ResultSet rs = st.executeQuery(
            "SELECT start_time, name, model, status, input_tokens, output_tokens, cost_usd, duration_ms FROM spans")) {
          while (rs.next()) {
            String model = rs.getString(3);
            Key key = new Key(hour(rs.getObject(1, OffsetDateTime.class).toInstant()), rs.getString(2), model == null ? NO_MODEL : model);
            changes.spans.computeIfAbsent(key, k -> new Delta())
                .add(SpanRecord.ERROR.equals(rs.getString(4)), longOrNull(rs, 5), longOrNull(rs, 6), rs.getBigDecimal(7), rs.getDouble(8), true, 1);
            if (changes.spans.size() >= BACKFILL_KEYS) {
              changes.apply(c);
              changes = new Changes();
            }
          }
        }
        try (ResultSet rs = st.executeQuery(
            "SELECT start_time, name, status, duration_ms, input_tokens, output_tokens, cost_usd FROM traces")) {
          while (rs.next()) {
            double duration = rs.getDouble(4);
            changes.addTrace(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2), rs.getString(3), rs.wasNull() ? null : duration,
                rs.getLong(5), rs.getLong(6), rs.getBigDecimal(7), 1);
            if (changes.traces.size() >= BACKFILL_KEYS) {
              changes.apply(c);
              changes = new Changes();
            }
          }
        }
        changes.apply(c);
      } finally {
        st.execute("SET LAZY_QUERY_EXECUTION FALSE");
      }
    }
  }

  /** Rollup rows the backfill adds up in memory before it writes them: a few MB at most. */
  static final int BACKFILL_KEYS = 20_000;

  private static Long longOrNull(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private Rollups() {}
}
