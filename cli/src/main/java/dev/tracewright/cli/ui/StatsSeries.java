package dev.tracewright.cli.ui;

import dev.tracewright.cli.TraceDb;
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
