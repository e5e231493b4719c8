package dev.tracewright.cli;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {"Latency (p50, p95), tokens, cost and error rate by trace, by model and by span name.",
        "By trace counts whole runs (every span's tokens and cost); by span name counts each span's own only."})
final class StatsCommand implements Callable<Integer> {
  @Mixin DbOption db;
  @Mixin PricingOption pricing;
  @Spec CommandSpec spec;

  @Option(names = "--since", paramLabel = "WHEN", converter = SinceConverter.class,
      description = "Only spans and traces started since: 30m, 2h, 7d, 2026-11-23 (default: all). The cost follows the window.")
  Instant since;

  @Override
  public Integer call() throws SQLException {
    PrintWriter out = spec.commandLine().getOut();
    try (TraceDb traces = pricing.apply(db.open())) {
      StatsReport report = StatsReport.compute(traces, since);
      out.println("By trace (whole runs: tokens and cost of every span in them)");
      out.print(table("TRACE", report.byTrace()));
      out.println();
      out.println("By model");
      out.print(table("MODEL", report.byModel()));
      out.println();
      out.println("By span name (each span's own tokens and cost, not its children's)");
      out.print(table("SPAN", report.bySpanName()));
      return 0;
    }
  }

  private static Table table(String keyColumn, List<StatsReport.Row> rows) {
    Table table = new Table(keyColumn, "COUNT", "P50", "P95", "TOKENS", "COST", "ERROR RATE").alignRight(1, 2, 3, 4, 5, 6);
    for (StatsReport.Row r : rows) {
      table.row(List.of(
          TraceRenderer.oneLine(r.key(), 60),
          String.valueOf(r.count()),
          Format.duration(r.p50Ms()),
          Format.duration(r.p95Ms()),
          Format.tokens(r.inputTokens() + r.outputTokens()),
          Format.cost(r.costUsd(), r.unpricedCalls()),
          String.format(Locale.ROOT, "%.1f%%", 100.0 * r.errorRate())));
    }
    return table;
  }
}
