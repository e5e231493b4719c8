package dev.tracewright.cli;

import dev.tracewright.runtime.store.TracePruner;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description = {"Deletes whole traces that started before a cutoff: their spans, events, and the captured content",
        "nothing newer shares. Then compacts the file to give the space back (when no agent has it open)."})
final class PruneCommand implements Callable<Integer> {
  private static final int TRACES_PER_TRANSACTION = 500;

  @Mixin DbOption db;
  @Spec CommandSpec spec;

  @Option(names = "--older-than", required = true, paramLabel = "AGE", converter = AgeConverter.class,
      description = "Delete traces started more than AGE ago: 30d, 12h, 90m.")
  Duration olderThan;

  @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws SQLException {
    PrintWriter out = spec.commandLine().getOut();
    Instant cutoff = Instant.now().minus(olderThan);
    if (dryRun) {
      try (TraceDb traces = db.open()) {
        TracePruner.Removed r = new TracePruner(traces.connection()).count(cutoff);
        out.println("would delete " + describe(r) + " (traces started before " + Format.time(cutoff) + ")");
        return 0;
      }
    }
    long before = traces(db).toFile().length();
    TracePruner.Removed total = TracePruner.Removed.NONE;
    boolean compacted = false;
    try (TraceDb traces = TraceDb.openForMaintenance(db.db)) {
      Connection c = traces.connection();
      c.setAutoCommit(false);
      TracePruner pruner = new TracePruner(c);
      TracePruner.Removed batch;
      do {
        batch = pruner.pruneBatch(cutoff, TRACES_PER_TRANSACTION);
        total = total.plus(batch);
      } while (batch.traces() == TRACES_PER_TRANSACTION);
      if (traces.exclusive() && total.traces() > 0) {
        try (Statement st = c.createStatement()) {
          st.execute("SHUTDOWN COMPACT"); // rewrites the file without the freed pages
        }
        compacted = true;
      }
    }
    out.println("deleted " + describe(total) + " (traces started before " + Format.time(cutoff) + ")");
    if (compacted) {
      long after = traces(db).toFile().length();
      out.println(String.format(Locale.ROOT, "compacted %s: %.1f MB -> %.1f MB", traces(db), before / 1e6, after / 1e6));
    } else if (total.traces() > 0) {
      out.println("another process has the database open: new spans reuse the freed space; run prune again when it stops to shrink the file");
    }
    return 0;
  }

  private static java.nio.file.Path traces(DbOption db) {
    return dev.tracewright.runtime.store.H2Store.dataFile(db.db);
  }

  private static String describe(TracePruner.Removed r) {
    return r.traces() + " traces, " + r.spans() + " spans, " + r.events() + " events and " + r.blobs() + " blobs";
  }
}
