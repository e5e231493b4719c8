package dev.tracewright.cli;

import dev.tracewright.runtime.store.LatencyHistogram;
import dev.tracewright.runtime.store.Rollups;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latency percentiles, tokens, cost and errors over a time window, from a histogram of durations
 * per group on a log scale (50 buckets per factor e, each 2% wide, with the minimum and maximum of
 * each bucket): p50 and p95 are within 1% of the exact value, and memory stays flat however many
 * spans the window holds (H2's {@code PERCENTILE_CONT} keeps every value and needed 5.9 GB for ten
 * million spans).
 *
 * <p>The whole hours of the window come from the rollups the writer keeps ({@code span_rollups},
 * {@code trace_rollups}: see {@link Rollups}), a few rows an hour however many spans it holds; the
 * part of an hour at the window's start comes from the spans and traces themselves, through the time
 * indexes. So every window, all time included, costs about the same. A file without rollups (an
 * older schema opened read-only) is read from its spans, as {@link #computeFromSpans} does.
 *
 * <p>Three groupings, because "tokens of an agent" means two things: by trace (a whole run: every
 * span's tokens and cost), by model, and by span name (each span's own tokens and cost only; a
 * parent such as an {@code @Agent} method counts none of its children's).
 */
public record StatsReport(List<Row> byTrace, List<Row> byModel, List<Row> bySpanName) {

  /**
   * One group: how many, how fast (p50, p95 in ms), tokens, cost (null: nothing priced), calls
   * whose cost is unknown (not in {@code costUsd}), errors.
   */
  public record Row(
      String key, long count, double p50Ms, double p95Ms, long inputTokens, long outputTokens, Double costUsd, long unpricedCalls, long errors) {
    public double errorRate() {
      return count == 0 ? 0 : (double) errors / count;
    }
  }

  static final int BUCKETS_PER_E = Rollups.BUCKETS_PER_E;

  private static final String HISTOGRAM =
      ", " + Rollups.bucketSql("duration_ms") + " AS bucket,"
          + " COUNT(*), MIN(duration_ms), MAX(duration_ms),"
          + " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), SUM(cost_usd),"
          + " SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END)";

  /**
   * Statistics of spans and traces started since {@code since} (null: all). Costs are the stored
   * ones; calls stored without a cost are priced with the database's table where it knows their
   * model ({@link LateCost}), and the others counted as unpriced in every group they belong to.
   */
  public static StatsReport compute(TraceDb db, Instant since) throws SQLException {
    if (!db.hasRollups()) {
      return computeFromSpans(db, since);
    }
    Instant edge = since == null ? null : ceilHour(since);
    Map<String, Group> byTrace = new LinkedHashMap<>();
    Map<String, Group> byModel = new LinkedHashMap<>();
    Map<String, Group> byName = new LinkedHashMap<>();
    String whole = edge == null ? "" : " WHERE hour_start >= ?";
    String rolled = " min_ms, max_ms, input_tokens, output_tokens, priced_calls, cost_usd, errors, unpriced_calls, histogram";
    long unpriced = rolledSpans(db, "SELECT name, model, spans," + rolled + " FROM span_rollups" + whole, edge, byName, byModel);
    rolledTraces(db, "SELECT name, traces," + rolled + " FROM trace_rollups" + whole, edge, byTrace);
    if (since != null && since.isBefore(edge)) { // the part of an hour before the first whole one
      String exact = " MIN(duration_ms), MAX(duration_ms), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),"
          + " COUNT(cost_usd), COALESCE(SUM(cost_usd), 0), SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END),"
          + " SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END)";
      String part = " WHERE start_time >= ? AND start_time < ?";
      unpriced += spanGroups(db, "SELECT name, COALESCE(model, ''), " + Rollups.bucketSql("duration_ms") + " AS bucket, COUNT(*),"
          + exact + " FROM spans" + part + " GROUP BY name, model, bucket", since, edge, byName, byModel);
      traceGroups(db, "SELECT name, " + Rollups.bucketSql("duration_ms") + " AS bucket, COUNT(*)," + exact + " FROM traces" + part
          + " AND status <> 'INCOMPLETE' AND duration_ms IS NOT NULL GROUP BY name, bucket", since, edge, byTrace);
    }
    if (unpriced > 0) { // calls stored without a cost: priced now, one by one (none in most files)
      lateCosts(db, since, byTrace, byModel, byName);
    }
    return new StatsReport(rows(byTrace), rows(byModel), rows(byName));
  }

  private static Instant ceilHour(Instant t) {
    Instant hour = Rollups.hour(t);
    return hour.equals(t) ? t : hour.plusSeconds(3600);
  }

  /** Rollup rows of (name, model, count, min, max, in, out, priced, cost, errors, unpriced, histogram) into both groupings; returns the unpriced calls. */
  private static long rolledSpans(TraceDb db, String sql, Instant from, Map<String, Group> byName, Map<String, Group> byModel)
      throws SQLException {
    long unpriced = 0;
    try (PreparedStatement st = window(db, sql, from, null); ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        String model = rs.getString(2);
        byte[] histogram = rs.getBytes(12);
        BigDecimal cost = rs.getLong(8) > 0 ? rs.getBigDecimal(9) : null;
        byName.computeIfAbsent(rs.getString(1), k -> new Group())
            .addRolled(histogram, rs.getLong(3), rs.getDouble(4), rs.getDouble(5), rs.getLong(6), rs.getLong(7), cost, rs.getLong(10));
        if (!Rollups.NO_MODEL.equals(model)) {
          byModel.computeIfAbsent(model, k -> new Group())
              .addRolled(histogram, rs.getLong(3), rs.getDouble(4), rs.getDouble(5), rs.getLong(6), rs.getLong(7), cost, rs.getLong(10));
        }
        unpriced += rs.getLong(11);
      }
    }
    return unpriced;
  }

  /** Rollup rows of (name, count, min, max, in, out, priced, cost, errors, unpriced, histogram) by trace name. */
  private static void rolledTraces(TraceDb db, String sql, Instant from, Map<String, Group> byTrace) throws SQLException {
    try (PreparedStatement st = window(db, sql, from, null); ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        BigDecimal cost = rs.getLong(7) > 0 ? rs.getBigDecimal(8) : null;
        byTrace.computeIfAbsent(rs.getString(1), k -> new Group()).addRolled(rs.getBytes(11), rs.getLong(2),
            rs.getDouble(3), rs.getDouble(4), rs.getLong(5), rs.getLong(6), cost, rs.getLong(9));
      }
    }
  }

  /** Rows of (name, model, bucket, count, min, max, in, out, priced, cost, errors, unpriced) into both groupings; returns the unpriced calls. */
  private static long spanGroups(TraceDb db, String sql, Instant from, Instant to, Map<String, Group> byName, Map<String, Group> byModel)
      throws SQLException {
    long unpriced = 0;
    try (PreparedStatement st = window(db, sql, from, to); ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        String model = rs.getString(2);
        int bucket = rs.getInt(3);
        long n = rs.getLong(4);
        BigDecimal cost = rs.getLong(9) > 0 ? rs.getBigDecimal(10) : null;
        byName.computeIfAbsent(rs.getString(1), k -> new Group())
            .add(bucket, n, rs.getDouble(5), rs.getDouble(6), rs.getLong(7), rs.getLong(8), cost, rs.getLong(11));
        if (!Rollups.NO_MODEL.equals(model)) {
          byModel.computeIfAbsent(model, k -> new Group())
              .add(bucket, n, rs.getDouble(5), rs.getDouble(6), rs.getLong(7), rs.getLong(8), cost, rs.getLong(11));
        }
        unpriced += rs.getLong(12);
      }
    }
    return unpriced;
  }

  /** Rows of (name, bucket, count, min, max, in, out, priced, cost, errors, unpriced) by trace name. */
  private static void traceGroups(TraceDb db, String sql, Instant from, Instant to, Map<String, Group> byTrace) throws SQLException {
    try (PreparedStatement st = window(db, sql, from, to); ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        BigDecimal cost = rs.getLong(8) > 0 ? rs.getBigDecimal(9) : null;
        byTrace.computeIfAbsent(rs.getString(1), k -> new Group())
            .add(rs.getInt(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5), rs.getLong(6), rs.getLong(7), cost, rs.getLong(10));
      }
    }
  }

  private static PreparedStatement window(TraceDb db, String sql, Instant from, Instant to) throws SQLException {
    PreparedStatement st = db.connection().prepareStatement(sql);
    if (from != null) {
      st.setObject(1, TraceDb.time(from));
    }
    if (to != null) {
      st.setObject(2, TraceDb.time(to));
    }
    return st;
  }

  /**
   * The same statistics read from every span and trace of the window: what {@link #compute} gives
   * on a file without rollups, and the exact reference the rollups are tested and measured against.
   */
  public static StatsReport computeFromSpans(TraceDb db, Instant since) throws SQLException {
    String window = since == null ? "" : " AND start_time >= ?";
    Map<String, Group> byTrace = groups(db, "SELECT name" + HISTOGRAM + " FROM traces WHERE status <> 'INCOMPLETE'" + window + " GROUP BY name, bucket", since);
    Map<String, Group> byModel = groups(db, "SELECT model" + HISTOGRAM + " FROM spans WHERE model IS NOT NULL" + window + " GROUP BY model, bucket", since);
    Map<String, Group> byName = groups(db, "SELECT name" + HISTOGRAM + " FROM spans WHERE 1 = 1" + window + " GROUP BY name, bucket", since);
    lateCosts(db, since, byTrace, byModel, byName);
    return new StatsReport(rows(byTrace), rows(byModel), rows(byName));
  }

  /** The window's spans stored without a cost: priced now where the table knows the model, else counted unpriced. */
  private static void lateCosts(TraceDb db, Instant since, Map<String, Group> byTrace, Map<String, Group> byModel, Map<String, Group> byName)
      throws SQLException {
    String sql = "SELECT s.name, s.model, s.input_tokens, s.output_tokens, s.attributes, t.name, t.status, t.start_time"
        + " FROM spans s LEFT JOIN traces t ON t.trace_id = s.trace_id"
        + " WHERE s.cost_usd IS NULL AND s.input_tokens IS NOT NULL" + (since == null ? "" : " AND s.start_time >= ?");
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      if (since != null) {
        st.setObject(1, TraceDb.time(since));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          java.util.Map<String, Object> attributes = TraceDb.attributes(rs.getString(5));
          if (LateCost.replayed(attributes)) {
            continue; // answered from a recording: nothing spent, nothing unknown
          }
          String model = rs.getString(2);
          Double usd = LateCost.price(db.pricing(), model, rs.getLong(3), rs.getLong(4), attributes);
          late(byName.get(rs.getString(1)), usd);
          if (model != null) {
            late(byModel.get(model), usd);
          }
          java.time.OffsetDateTime traceStart = rs.getObject(8, java.time.OffsetDateTime.class);
          if (rs.getString(6) != null && !"INCOMPLETE".equals(rs.getString(7))
              && (since == null || (traceStart != null && !traceStart.toInstant().isBefore(since)))) {
            late(byTrace.get(rs.getString(6)), usd);
          }
        }
      }
    }
  }

  private static void late(Group group, Double usd) {
    if (group != null) {
      group.late(usd);
    }
  }

  private static Map<String, Group> groups(TraceDb db, String sql, Instant since) throws SQLException {
    Map<String, Group> groups = new LinkedHashMap<>();
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      if (since != null) {
        st.setObject(1, TraceDb.time(since));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Group g = groups.computeIfAbsent(rs.getString(1), k -> new Group());
          g.add(rs.getInt(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5), rs.getLong(6), rs.getLong(7), rs.getBigDecimal(8), rs.getLong(9));
        }
      }
    }
    return groups;
  }

  private static List<Row> rows(Map<String, Group> groups) {
    List<Row> out = new ArrayList<>(groups.size());
    groups.forEach((key, g) -> out.add(g.row(key)));
    out.sort(Comparator.comparingLong(Row::count).reversed().thenComparing(Row::key, Comparator.nullsFirst(Comparator.naturalOrder())));
    return out;
  }

  /**
   * One group's totals and duration histogram: a count, smallest and largest duration per bucket,
   * in arrays over every bucket a duration can fall in (a stats read merges thousands of rollup
   * rows into a few groups; maps of boxed buckets made it allocate 100 MB on 10 M spans).
   */
  private static final class Group {
    /** The buckets of durations from 1 ns (and below) to Long.MAX_VALUE nanoseconds. */
    private static final int FIRST = Rollups.bucket(0) - 1;
    private static final int LAST = Rollups.bucket(Long.MAX_VALUE / 1e6) + 1;

    private final long[] counts = new long[LAST - FIRST + 1];
    private final double[] mins = new double[counts.length];
    private final double[] maxs = new double[counts.length];
    private long count;
    private long inputTokens;
    private long outputTokens;
    private BigDecimal cost;
    private long unpriced;
    private long errors;

    Group() {
      java.util.Arrays.fill(mins, Double.MAX_VALUE);
      java.util.Arrays.fill(maxs, -Double.MAX_VALUE);
    }

    private void addBucket(int bucket, long n, double min, double max) {
      int i = Math.max(FIRST, Math.min(LAST, bucket)) - FIRST;
      counts[i] += n;
      mins[i] = Math.min(mins[i], min);
      maxs[i] = Math.max(maxs[i], max);
    }

    /** A call stored without a cost: its cost from the table now, or null (unknown). */
    void late(Double usd) {
      if (usd == null) {
        unpriced++;
      } else {
        BigDecimal v = BigDecimal.valueOf(usd);
        cost = cost == null ? v : cost.add(v);
      }
    }

    /**
     * A rollup row: its histogram's buckets, each bounded by its own edges and the row's min and max
     * (a rollup keeps no min and max per bucket), and its totals.
     */
    void addRolled(byte[] histogram, long n, double min, double max, long in, long out, BigDecimal usd, long failed) {
      LatencyHistogram.forEach(histogram, (bucket, c) -> addBucket(bucket, c, Math.max(min, Rollups.lower(bucket)), Math.min(max, Rollups.upper(bucket))));
      addTotals(n, in, out, usd, failed);
    }

    void add(int bucket, long n, double min, double max, long in, long out, BigDecimal usd, long failed) {
      addBucket(bucket, n, min, max);
      addTotals(n, in, out, usd, failed);
    }

    private void addTotals(long n, long in, long out, BigDecimal usd, long failed) {
      count += n;
      inputTokens += in;
      outputTokens += out;
      if (usd != null) {
        cost = cost == null ? usd : cost.add(usd);
      }
      errors += failed;
    }

    /** The duration at quantile {@code q}: the bucket holding that rank, its geometric middle kept within its own min and max. */
    double quantile(double q) {
      long rank = Math.max(1, (long) Math.ceil(q * count));
      long seen = 0;
      int last = -1;
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          continue;
        }
        last = i;
        seen += counts[i];
        if (seen >= rank) {
          return Math.min(maxs[i], Math.max(mins[i], Rollups.middle(i + FIRST)));
        }
      }
      return last < 0 ? 0 : maxs[last];
    }

    Row row(String key) {
      return new Row(key, count, quantile(0.5), quantile(0.95), inputTokens, outputTokens, cost == null ? null : cost.doubleValue(), unpriced, errors);
    }
  }
}
