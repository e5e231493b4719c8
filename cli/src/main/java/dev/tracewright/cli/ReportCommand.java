package dev.tracewright.cli;

import dev.tracewright.cli.ui.TraceReport;
import dev.tracewright.runtime.store.TraceRecord;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "One self-contained HTML file of a trace (its waterfall, tree and span inspector) that opens offline,"
        + " to attach to a bug report. Holds the redacted previews and the content of FULL_EXPORTABLE spans;"
        + " FULL_LOCAL content only with --content.")
final class ReportCommand implements Callable<Integer> {
  @Mixin DbOption db;
  @Mixin PricingOption pricing;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TRACE", description = "Trace ID or unique prefix (see: tracewright list).")
  String trace;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE (default: trace-<ID's first 16 digits>.html; a new file, unless --force).")
  Path output;

  @Option(names = "--force", description = "Replace FILE if it exists (never an H2 database file).")
  boolean force;

  @Option(
      names = "--max-spans",
      paramLabel = "N",
      description = "Hold at most N spans, the first by start time (default: ${DEFAULT-VALUE}; about 600 bytes of HTML each)."
          + " The report and this command say how many of the trace's spans it holds.")
  int maxSpans = TraceReport.DEFAULT_MAX_SPANS;

  @Option(names = "--content", description = "Include the full content of FULL_LOCAL spans too (it stays on this machine otherwise).")
  boolean content;

  @Override
  public Integer call() throws SQLException {
    if (maxSpans < 1) {
      throw new CliException("--max-spans must be at least 1, not " + maxSpans);
    }
    if (output != null) {
      OutputFile.checked(output, db.db, force, "report");
    }
    try (TraceDb traces = pricing.apply(db.open())) {
      TraceRecord t = traces.trace(trace);
      Path target = OutputFile.checked(output != null ? output : Path.of("trace-" + t.traceId().substring(0, 16) + ".html"), db.db, force, "report");
      TraceReport.Page page = TraceReport.of(traces, t, content, maxSpans);
      OutputFile.write(target, out -> out.write(page.html()));
      spec.commandLine().getOut().println("wrote " + target + ": "
          + (page.truncated()
              ? page.spans() + " of the trace's " + page.stored() + " spans (the first by start time; --max-spans " + maxSpans + ")"
              : "all " + page.spans() + " spans")
          + ", " + page.contents() + " contents"
          + (page.contentsLeftOut() > 0 ? " (" + page.contentsLeftOut() + " left out past the size limit: previews instead)" : ""));
      return 0;
    }
  }
}
