package dev.tracewright.runtime.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stats", mixinStandardHelpOptions = true, description = "Latency, tokens, cost and error rate by model and by span name.")
final class StatsCommand implements Callable<Integer> {
  @Mixin DbOption db;
  @Spec CommandSpec spec;

  @Option(names = "--since", paramLabel = "WHEN", converter = SinceConverter.class, description = "Only spans started since: 30m, 2h, 7d, 2026-11-23.")
  Instant since;

  @Override
  public Integer call() throws SQLException {
    PrintWriter out = spec.commandLine().getOut();
    try (TraceDb traces = db.open()) {
      out.println("By model");
      out.print(table(traces, "model", "model IS NOT NULL"));
      out.println();
      out.println("By span name");
      out.print(table(traces, "name", "1 = 1"));
      return 0;
    }
  }

  private Table table(TraceDb traces, String column, String where) throws SQLException {
    String sql = "SELECT " + column + ", COUNT(*),"
        + " PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY duration_ms), PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY duration_ms),"
        + " COALESCE(SUM(input_tokens), 0) + COALESCE(SUM(output_tokens), 0), SUM(cost_usd),"
        + " SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END)"
        + " FROM spans WHERE " + where + (since != null ? " AND start_time >= ?" : "")
        + " GROUP BY " + column + " ORDER BY COUNT(*) DESC, " + column;
    Table table = new Table(column.toUpperCase(Locale.ROOT), "COUNT", "P50", "P95", "TOKENS", "COST", "ERRORS").alignRight(1, 2, 3, 4, 5, 6);
    try (PreparedStatement st = traces.connection().prepareStatement(sql)) {
      if (since != null) {
        st.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          long count = rs.getLong(2);
          BigDecimal cost = rs.getBigDecimal(6);
          long errors = rs.getLong(7);
          table.row(List.of(
              rs.getString(1),
              String.valueOf(count),
              Format.duration(rs.getDouble(3)),
              Format.duration(rs.getDouble(4)),
              Format.tokens(rs.getLong(5)),
              Format.cost(cost == null ? null : cost.doubleValue()),
              String.format(Locale.ROOT, "%.1f%%", 100.0 * errors / count)));
        }
      }
    }
    return table;
  }
}
