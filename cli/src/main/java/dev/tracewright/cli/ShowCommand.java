package dev.tracewright.cli;

import dev.tracewright.runtime.store.TraceRecord;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true, description = "One trace as a tree with a waterfall bar per span.")
final class ShowCommand implements Callable<Integer> {
  @Mixin DbOption db;
  @Mixin PricingOption pricing;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TRACE", description = "Trace ID or a unique prefix of it (see: tracewright list).")
  String trace;

  @Option(names = "--content", description = "Print each span's captured input and output.")
  boolean content;

  @Option(names = "--no-color", description = "No colours (they are off anyway when output is not a terminal).")
  boolean noColor;

  @Override
  public Integer call() throws SQLException {
    PrintWriter out = spec.commandLine().getOut();
    try (TraceDb traces = pricing.apply(db.open())) {
      TraceRecord t = traces.trace(trace);
      boolean color = !noColor && System.console() != null && System.getenv("NO_COLOR") == null;
      out.print(new TraceRenderer(color).render(t, traces.spans(t.traceId()), traces.events(t.traceId()),
          content ? hash -> blob(traces, hash) : null));
      return 0;
    }
  }

  private static String blob(TraceDb traces, String hash) {
    try {
      return traces.blob(hash);
    } catch (SQLException e) {
      throw new CliException("cannot read captured content: " + TraceDb.firstLine(e.getMessage()));
    }
  }
}
