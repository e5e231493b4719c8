package dev.tracewright.runtime.store;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-hour aggregates of spans ({@code span_rollups}: by hour of start, span name, model and latency
 * bucket) and of ended traces ({@code trace_rollups}: by hour of start, trace name and latency
 * bucket), so statistics over any window read a few rows an hour instead of every span. They change
 * only in the transaction that writes or deletes what they count: the writer adds each batch's new
 * spans and ended traces, a prune subtracts the traces it deletes, migration 6 fills them from an
 * existing file.
 *
 * <p>Rows are shared by every process writing the file (H2's AUTO_SERVER), so a change is an
 * {@code UPDATE ... SET n = n + ?} of the row (which locks it until commit), or an {@code INSERT} when
 * there is none; an insert that loses a race to another writer's insert updates the row that won.
 * Keys are applied in one order, so two writers never wait for each other in a cycle.
 *
 * <p>Latency is a histogram on a log scale: {@link #BUCKETS_PER_E} buckets per factor e, each 2%
 * wide, with the smallest and largest duration seen in each (a subtraction leaves them as they were:
 * still inside the bucket). A quantile read from it is within 1% of the exact one.
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

  /**
   * The spans of a set of traces aggregated as {@code span_rollups} rows, in SQL: a prune subtracts
   * it, migration 6 inserts it over all spans. {@code %s} is the WHERE clause.
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
  record Key(Instant hour, String name, String model, int bucket) {
    static final Comparator<Key> ORDER = Comparator.comparing(Key::hour).thenComparing(Key::name)
        .thenComparing(Key::model, Comparator.nullsFirst(Comparator.naturalOrder())).thenComparingInt(Key::bucket);
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
      Key key = new Key(hour(s.startTime()), s.name(), s.model() == null ? NO_MODEL : s.model(), bucket(s.durationMs()));
      spans.computeIfAbsent(key, k -> new Delta())
          .add(SpanRecord.ERROR.equals(s.status()), s.inputTokens(), s.outputTokens(), stored(s.costUsd()), s.durationMs(), true, 1);
    }

    /** An ended trace's row counted ({@code sign} 1) or taken back (-1); rows of unfinished traces count nothing. */
    void addTrace(Instant start, String name, String status, Double durationMs, long in, long out, BigDecimal usd, int sign) {
      if (TraceRecord.INCOMPLETE.equals(status) || durationMs == null) {
        return;
      }
      Key key = new Key(hour(start), name, null, bucket(durationMs));
      traces.computeIfAbsent(key, k -> new Delta())
          .add(SpanRecord.ERROR.equals(status), in, out, usd, durationMs, false, sign);
    }

    /** Reads rows of {@link #SPAN_AGGREGATE} or {@link #TRACE_AGGREGATE} as deltas of {@code sign}. */
    void read(ResultSet rs, boolean ofSpans, int sign) throws SQLException {
      int c = ofSpans ? 5 : 4;
      while (rs.next()) {
        Instant hour = rs.getObject(1, OffsetDateTime.class).toInstant();
        Key key = new Key(hour, rs.getString(2), ofSpans ? rs.getString(3) : null, rs.getInt(c - 1));
        Delta d = (ofSpans ? spans : traces).computeIfAbsent(key, k -> new Delta());
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
      String where = " WHERE hour_start = ? AND name = ?" + (withModel ? " AND model = ?" : "") + " AND bucket = ?";
      String update = "UPDATE " + table + " SET " + countColumn + " = " + countColumn + " + ?, errors = errors + ?,"
          + " input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, priced_calls = priced_calls + ?,"
          + " cost_usd = cost_usd + ?, unpriced_calls = unpriced_calls + ?, min_ms = LEAST(min_ms, ?), max_ms = GREATEST(max_ms, ?)" + where;
      String insert = "INSERT INTO " + table + " (hour_start, name, " + (withModel ? "model, " : "") + "bucket, " + countColumn
          + ", errors, input_tokens, output_tokens, priced_calls, cost_usd, unpriced_calls, min_ms, max_ms) VALUES (?, ?, "
          + (withModel ? "?, " : "") + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      boolean subtracted = false;
      try (PreparedStatement up = c.prepareStatement(update);
          PreparedStatement in = c.prepareStatement(insert)) {
        Key[] keys = deltas.keySet().toArray(new Key[0]);
        for (Key k : keys) {
          bindUpdate(up, k, deltas.get(k), withModel);
          up.addBatch();
          subtracted |= deltas.get(k).count < 0;
        }
        int[] updated = up.executeBatch();
        for (int i = 0; i < keys.length; i++) {
          Delta d = deltas.get(keys[i]);
          if (updated[i] > 0 || d.count <= 0) {
            continue; // nothing to take back from a row that is not there
          }
          bindInsert(in, keys[i], d, withModel);
          try {
            in.executeUpdate();
          } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
              throw e;
            }
            // Another writer inserted it since our update; its row is committed and ours to update now.
            bindUpdate(up, keys[i], d, withModel);
            if (up.executeUpdate() != 1) {
              throw new SQLException("rollup row " + keys[i] + " vanished while it was being updated", e);
            }
          }
        }
      }
      if (subtracted) {
        try (PreparedStatement empty = c.prepareStatement("DELETE FROM " + table + where + " AND " + countColumn + " <= 0")) {
          for (Map.Entry<Key, Delta> e : deltas.entrySet()) {
            if (e.getValue().count < 0) {
              bindKey(empty, 1, e.getKey(), withModel);
              empty.addBatch();
            }
          }
          empty.executeBatch();
        }
      }
    }

    private static void bindUpdate(PreparedStatement p, Key k, Delta d, boolean withModel) throws SQLException {
      p.setLong(1, d.count);
      p.setLong(2, d.errors);
      p.setLong(3, d.inputTokens);
      p.setLong(4, d.outputTokens);
      p.setLong(5, d.priced);
      p.setBigDecimal(6, d.cost);
      p.setLong(7, d.unpriced);
      p.setDouble(8, d.min);
      p.setDouble(9, d.max);
      bindKey(p, 10, k, withModel);
    }

    private static void bindInsert(PreparedStatement p, Key k, Delta d, boolean withModel) throws SQLException {
      int i = bindKey(p, 1, k, withModel);
      p.setLong(i++, d.count);
      p.setLong(i++, d.errors);
      p.setLong(i++, d.inputTokens);
      p.setLong(i++, d.outputTokens);
      p.setLong(i++, d.priced);
      p.setBigDecimal(i++, d.cost);
      p.setLong(i++, d.unpriced);
      p.setDouble(i++, d.min);
      p.setDouble(i, d.max);
    }

    private static int bindKey(PreparedStatement p, int i, Key k, boolean withModel) throws SQLException {
      p.setObject(i++, OffsetDateTime.ofInstant(k.hour(), ZoneOffset.UTC));
      p.setString(i++, k.name());
      if (withModel) {
        p.setString(i++, Objects.requireNonNull(k.model()));
      }
      p.setInt(i++, k.bucket());
      return i;
    }
  }

  private Rollups() {}
}
