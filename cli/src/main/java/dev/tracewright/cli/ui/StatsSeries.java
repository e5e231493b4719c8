package dev.tracewright.cli.ui;

import dev.tracewright.cli.TraceDb;
import dev.tracewright.runtime.store.Rollups;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokens, cost, spans and errors over time for the stats page's charts: the window's spans summed by
 * H2 into at most {@link #MAX_BUCKETS} buckets of a round width (a minute, five, fifteen, an hour,
 * ...), so the answer stays small however long the window or large the database. Spans count where
 * they start, each with its own tokens and cost (as "by span name" in {@code tracewright stats}).
 * Buckets of whole hours (windows of 15 hours and more) are sums of the hourly rollups, on a grid
 * from the hour the window starts in, with that hour's part before the window left out; shorter
 * windows sum their spans.
 */
record StatsSeries(Instant from, long bucketMs, List<Bucket> buckets) {
  static final int MAX_BUCKETS = 60;
  private static final List<Duration> WIDTHS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
      Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12),
      Duration.ofDays(1), Duration.ofDays(7));

  /** One bucket that has spans: its start, and the sums of the spans started in it. */
  record Bucket(Instant start, long spans, long inputTokens, long outputTokens, Double costUsd, long errors) {}

  /** The series from {@code since} (null: the first span) to {@code now}. */
  static StatsSeries compute(TraceDb db, Instant since, Instant now) throws SQLException {
    Instant from = since != null ? since : firstSpan(db);
    if (from == null) {
      return new StatsSeries(null, WIDTHS.get(0).toMillis(), List.of());
    }
    Instant hour = Rollups.hour(from);
    long hourlyWidth = bucketMs(Duration.between(hour, now.isAfter(hour) ? now : hour));
    if (hourlyWidth % HOUR_MS == 0 && db.hasRollups()) {
      return fromRollups(db, since, hour, hourlyWidth);
    }
    long width = bucketMs(Duration.between(from, now.isAfter(from) ? now : from));
    List<Bucket> buckets = new ArrayList<>();
    String sql = "SELECT FLOOR(DATEDIFF('MILLISECOND', ?, start_time) / ?) AS bucket, COUNT(*),"
        + " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), SUM(cost_usd),"
        + " SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END)"
        + " FROM spans WHERE start_time >= ? GROUP BY bucket ORDER BY bucket LIMIT " + (MAX_BUCKETS + 1);
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      OffsetDateTime origin = OffsetDateTime.ofInstant(from, ZoneOffset.UTC);
      st.setObject(1, origin);
      st.setLong(2, width);
      st.setObject(3, origin);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next() && buckets.size() < MAX_BUCKETS) {
          java.math.BigDecimal cost = rs.getBigDecimal(5);
          buckets.add(new Bucket(from.plusMillis(rs.getLong(1) * width), rs.getLong(2), rs.getLong(3), rs.getLong(4),
              cost == null ? null : cost.doubleValue(), rs.getLong(6)));
        }
      }
    }
    return new StatsSeries(from, width, buckets);
  }

  private static final long HOUR_MS = Duration.ofHours(1).toMillis();

  /** Sums by hour from the rollups, the window's part of its first hour from the spans, laid on buckets of {@code width} from {@code origin}. */
  private static StatsSeries fromRollups(TraceDb db, Instant since, Instant origin, long width) throws SQLException {
    java.util.TreeMap<Long, long[]> sums = new java.util.TreeMap<>(); // index -> spans, in, out, priced, errors
    java.util.Map<Long, java.math.BigDecimal> costs = new java.util.HashMap<>();
    Instant edge = since == null || since.equals(origin) ? origin : origin.plusMillis(HOUR_MS);
    String columns = " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),";
    if (!edge.equals(origin)) {
      try (PreparedStatement st = db.connection().prepareStatement("SELECT COUNT(*)," + columns + " COUNT(cost_usd),"
          + " COALESCE(SUM(cost_usd), 0), SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END) FROM spans WHERE start_time >= ? AND start_time < ?")) {
        st.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        st.setObject(2, OffsetDateTime.ofInstant(edge, ZoneOffset.UTC));
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          add(sums, costs, 0, rs, 1);
        }
      }
    }
    try (PreparedStatement st = db.connection().prepareStatement("SELECT hour_start, SUM(spans)," + columns
        + " SUM(priced_calls), SUM(cost_usd), SUM(errors) FROM span_rollups WHERE hour_start >= ? GROUP BY hour_start")) {
      st.setObject(1, OffsetDateTime.ofInstant(edge, ZoneOffset.UTC));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          long index = (rs.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli() - origin.toEpochMilli()) / width;
          add(sums, costs, index, rs, 2);
        }
      }
    }
    List<Bucket> buckets = new ArrayList<>();
    for (java.util.Map.Entry<Long, long[]> e : sums.entrySet()) {
      long[] v = e.getValue();
      if (v[0] > 0 && buckets.size() < MAX_BUCKETS) {
        buckets.add(new Bucket(origin.plusMillis(e.getKey() * width), v[0], v[1], v[2], v[3] > 0 ? costs.get(e.getKey()).doubleValue() : null, v[4]));
      }
    }
    return new StatsSeries(origin, width, buckets);
  }

  /** Adds a row's (count, in, out, priced, cost, errors), from column {@code c} on, to bucket {@code index}. */
  private static void add(java.util.Map<Long, long[]> sums, java.util.Map<Long, java.math.BigDecimal> costs, long index, ResultSet rs, int c)
      throws SQLException {
    long[] v = sums.computeIfAbsent(index, k -> new long[5]);
    v[0] += rs.getLong(c);
    v[1] += rs.getLong(c + 1);
    v[2] += rs.getLong(c + 2);
    v[3] += rs.getLong(c + 3);
    v[4] += rs.getLong(c + 5);
    java.math.BigDecimal cost = rs.getBigDecimal(c + 4);
    costs.merge(index, cost == null ? java.math.BigDecimal.ZERO : cost, java.math.BigDecimal::add);
  }

  /** The smallest round width that covers {@code window} in at most {@link #MAX_BUCKETS} buckets. */
  static long bucketMs(Duration window) {
    long needed = Math.max(1, (window.toMillis() + MAX_BUCKETS - 1) / MAX_BUCKETS);
    for (Duration w : WIDTHS) {
      if (w.toMillis() >= needed) {
        return w.toMillis();
      }
    }
    long week = WIDTHS.get(WIDTHS.size() - 1).toMillis();
    return (needed + week - 1) / week * week;
  }

  private static Instant firstSpan(TraceDb db) throws SQLException {
    try (PreparedStatement st = db.connection().prepareStatement("SELECT MIN(start_time) FROM spans");
        ResultSet rs = st.executeQuery()) {
      OffsetDateTime first = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
      return first == null ? null : first.toInstant();
    }
  }
}
