package dev.tracewright.cli;

import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.TraceDiff;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {"Two traces aligned by path (span names and order under each parent): spans added (+), removed (-)"
        + " and changed (~: status or output), latency, token and cost deltas, totals.",
        "Exit code 0 when equal (same structure, statuses and outputs; latency alone is no difference), 1 when different, 2 on bad input."})
final class DiffCommand implements Callable<Integer> {
  static final int EQUAL = 0;
  static final int DIFFERENT = 1;

  @Mixin DbOption db;
  @Mixin PricingOption pricing;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "A", description = "Trace ID or prefix in the database, or a JSONL file (tracewright export --format jsonl --content); FILE#ID picks a trace in a file of several.")
  String a;

  @Parameters(index = "1", paramLabel = "B", description = "The trace to compare with A, the same way.")
  String b;

  @Option(names = "--content", description = "Print both sides' outputs of changed spans (as stored: redacted).")
  boolean content;

  @Option(names = "--no-color", description = "No colours (they are off anyway when output is not a terminal).")
  boolean noColor;

  @Override
  public Integer call() {
    DiffSource sa = DiffSource.parse(a);
    DiffSource sb = DiffSource.parse(b);
    TraceDb[] opened = new TraceDb[1];
    try {
      java.util.function.Supplier<TraceDb> database = () -> opened[0] != null ? opened[0] : (opened[0] = pricing.apply(db.open()));
      // Hashes are enough to compare; blobs are read only to print them.
      RecordedTrace.ContentLoad load = content ? RecordedTrace.ContentLoad.FULL : RecordedTrace.ContentLoad.HASHES_ONLY;
      RecordedTrace ta = sa.read(database, load);
      RecordedTrace tb = sb.read(database, load);
      TraceDiff diff = TraceDiff.between(ta, tb);
      boolean color = !noColor && System.console() != null && System.getenv("NO_COLOR") == null;
      PrintWriter out = spec.commandLine().getOut();
      out.print(new DiffRenderer(color, content).render(diff, sa.origin(db.db), sb.origin(db.db)));
      return diff.equal() ? EQUAL : DIFFERENT;
    } finally {
      if (opened[0] != null) {
        opened[0].close();
      }
    }
  }
}
