package dev.tracewright.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --db}: the same default as {@code Tracewright.initLocal()}. */
final class DbOption {
  @Option(
      names = "--db",
      paramLabel = "PATH",
      defaultValue = "${sys:tracewright.db:-${env:TRACEWRIGHT_DB:-.tracewright/traces}}",
      description = "Trace database (default: ${DEFAULT-VALUE}; also -Dtracewright.db or TRACEWRIGHT_DB).")
  Path db;

  TraceDb open() {
    return TraceDb.open(db);
  }
}
