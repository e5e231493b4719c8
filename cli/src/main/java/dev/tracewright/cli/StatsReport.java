package dev.tracewright.cli;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Latency percentiles, tokens, cost and errors over a time window, computed by H2 (its
 * {@code PERCENTILE_CONT} aggregate) over the rows of that window only: the window is a range of the
 * time index, so the cost follows the spans in it, not the size of the database.
 *
 * <p>Three groupings, because "tokens of an agent" means two things: by trace (a whole run: every
 * span's tokens and cost), by model, and by span name (each span's own tokens and cost only; a
 * parent such as an {@code @Agent} method counts none of its children's).
 */
public record StatsReport(List<Row> byTrace, List<Row> byModel, List<Row> bySpanName) {

  /** One group: how many, how fast (p50, p95 in ms), tokens, cost (null: nothing priced), errors. */
  public record Row(String key, long count, double p50Ms, double p95Ms, long inputTokens, long outputTokens, Double costUsd, long errors) {
    public double errorRate() {
      return count == 0 ? 0 : (double) errors / count;
    }
  }

  private static final String AGGREGATES =
      ", COUNT(*), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY duration_ms),"
          + " PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY duration_ms),"
          + " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), SUM(cost_usd),"
          + " SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END)";

  /** Statistics of spans and traces started since {@code since} (null: all). */
  public static StatsReport compute(TraceDb db, Instant since) throws SQLException {
    String window = since == null ? "" : " AND start_time >= ?";
    return new StatsReport(
        rows(db, "SELECT name" + AGGREGATES + " FROM traces WHERE status <> 'INCOMPLETE'" + window + " GROUP BY name", since),
        rows(db, "SELECT model" + AGGREGATES + " FROM spans WHERE model IS NOT NULL" + window + " GROUP BY model", since),
        rows(db, "SELECT name" + AGGREGATES + " FROM spans WHERE 1 = 1" + window + " GROUP BY name", since));
  }

  private static List<Row> rows(TraceDb db, String sql, Instant since) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (PreparedStatement st = db.connection().prepareStatement(sql + " ORDER BY COUNT(*) DESC, 1")) {
      if (since != null) {
        st.setObject(1, TraceDb.time(since));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          BigDecimal cost = rs.getBigDecimal(7);
          out.add(new Row(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4), rs.getLong(5), rs.getLong(6),
              cost == null ? null : cost.doubleValue(), rs.getLong(8)));
        }
      }
    }
    return out;
  }
}
