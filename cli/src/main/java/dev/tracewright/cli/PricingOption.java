package dev.tracewright.cli;

import dev.tracewright.runtime.capture.PricingTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --pricing}: the same pricing file the agent reads, for calls recorded without a cost (see {@link LateCost}). */
final class PricingOption {
  @Option(
      names = "--pricing",
      paramLabel = "FILE",
      description = {"Prices (the tracewright-pricing.json format) merged over the bundled table, for calls recorded without a cost",
          "(their model was unknown to the agent); stored costs are shown as stored. Default: -Dtracewright.pricing or TRACEWRIGHT_PRICING."})
  Path file;

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  /** The database with this table; a file that cannot be used is one warning on stderr and the bundled prices apply, as in the agent. */
  TraceDb apply(TraceDb db) {
    return db.pricing(table());
  }

  PricingTable table() {
    PrintWriter err = command != null ? command.commandLine().getErr() : new PrintWriter(System.err, true);
    return PricingTable.defaults(file, message -> {
      err.println("warning: " + TerminalText.escape(message));
      err.flush();
    });
  }
}
