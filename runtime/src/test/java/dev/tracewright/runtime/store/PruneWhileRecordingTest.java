package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracewright prune} (another connection, as the CLI has through AUTO_SERVER) while an agent
 * records into the same file: no span may reference content the prune deleted, and a trace that is
 * still running keeps every span.
 */
class PruneWhileRecordingTest {
  private static final String DANGLING =
      "SELECT COUNT(*) FROM spans s WHERE (s.input_ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.hash = s.input_ref))"
          + " OR (s.output_ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.hash = s.output_ref))";

  @TempDir Path dir;

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  private static Connection second(Path base) throws SQLException {
    Connection c = DriverManager.getConnection(H2Store.fileUrl(base, true, true), "sa", "");
    c.setAutoCommit(false);
    return c;
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String traceWithContent(String name, String question) {
    try (ActiveSpan root = Tracewright.span(name, SpanKind.AGENT).input("question", question).start()) {
      try (ActiveSpan tool = Tracewright.span("search", SpanKind.TOOL).input("query", question).start()) {
        tool.output("the answer to " + question);
      }
      return root.traceId();
    }
  }

  @Test
  void contentPrunedByAnotherConnectionIsWrittenAgainWhenANewSpanReferencesIt() throws Exception {
    Path base = dir.resolve("shared/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    traceWithContent("old", "why is the sky blue?");
    assertTrue(Tracewright.flush());
    try (Connection cli = second(base)) {
      TracePruner.Removed removed = new TracePruner(cli).pruneBatch(Instant.now().plusSeconds(60), 100);
      assertEquals(1, removed.traces());
      assertTrue(removed.blobs() > 0, "the trace's content went with it");
    }

    String again = traceWithContent("new", "why is the sky blue?"); // the same content, hashed the same
    assertTrue(Tracewright.flush());
    try (Connection cli = second(base)) {
      assertEquals(0, count(cli, DANGLING), "every referenced blob is stored");
      assertEquals(2, count(cli, "SELECT COUNT(*) FROM spans WHERE trace_id = '" + again + "' AND input_ref IS NOT NULL"));
    }
  }

  @Test
  void aRunningTraceKeepsEverySpanThroughAPruneAndADeadOneGoes() throws Exception {
    Path base = dir.resolve("running/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    String dead = traceWithContent("crashed", "left behind");
    assertTrue(Tracewright.flush());
    try (Connection c = second(base)) { // a run that died two days ago: its row never ended
      c.createStatement().execute("UPDATE traces SET end_time = NULL, duration_ms = NULL, status = 'INCOMPLETE',"
          + " start_time = DATEADD(DAY, -2, start_time) WHERE trace_id = '" + dead + "'");
      c.createStatement().execute("UPDATE spans SET end_time = DATEADD(DAY, -2, end_time), start_time = DATEADD(DAY, -2, start_time)"
          + " WHERE trace_id = '" + dead + "'");
      c.commit();
    }

    String running;
    try (ActiveSpan root = Tracewright.span("long_run", SpanKind.AGENT).start()) {
      running = root.traceId();
      for (int i = 0; i < 2; i++) {
        try (ActiveSpan step = Tracewright.span("step", SpanKind.STEP).input("i", i).start()) {
          step.output(i);
        }
      }
      assertTrue(Tracewright.flush());
      try (Connection cli = second(base)) { // prune --older-than 0s: everything that started before now
        TracePruner pruner = new TracePruner(cli);
        assertEquals(1, pruner.count(Instant.now().plusSeconds(1)).traces(), "only the dead run is due");
        assertEquals(1, pruner.pruneBatch(Instant.now().plusSeconds(1), 100).traces());
      }
      for (int i = 2; i < 5; i++) {
        try (ActiveSpan step = Tracewright.span("step", SpanKind.STEP).input("i", i).start()) {
          step.output(i);
        }
      }
    }
    assertTrue(Tracewright.flush());
    try (Connection c = second(base)) {
      assertEquals(6, count(c, "SELECT COUNT(*) FROM spans WHERE trace_id = '" + running + "'"), "the root and its 5 steps");
      assertEquals(6, count(c, "SELECT span_count FROM traces WHERE trace_id = '" + running + "'"));
      assertEquals(0, count(c, "SELECT COUNT(*) FROM spans WHERE trace_id = '" + dead + "'"));
      assertEquals(0, count(c, DANGLING));
    }
  }

  @Test
  void pruningInALoopWhileAnAgentRecordsSharedContentLeavesNoDanglingReference() throws Exception {
    Path base = dir.resolve("race/traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).build());
    traceWithContent("first", "creates the file");
    assertTrue(Tracewright.flush());
    AtomicBoolean recording = new AtomicBoolean(true);
    AtomicLong pruned = new AtomicLong();
    AtomicLong pruneErrors = new AtomicLong();
    AtomicReference<Throwable> died = new AtomicReference<>();
    Thread cli = new Thread(() -> {
      try (Connection c = second(base)) {
        TracePruner pruner = new TracePruner(c);
        while (recording.get()) {
          try {
            pruned.addAndGet(pruner.pruneBatch(Instant.now().plusSeconds(60), 50).traces());
          } catch (SQLException e) { // a lock timeout against the writer: the CLI's next batch tries again
            pruneErrors.incrementAndGet();
          }
        }
      } catch (SQLException | RuntimeException e) {
        died.set(e);
      }
    }, "prune");
    cli.start();
    try {
      for (int i = 0; i < 400; i++) {
        traceWithContent("run", "question " + (i % 5)); // five contents, shared by every fifth run
        if (i % 20 == 0) {
          Tracewright.flush(Duration.ofSeconds(30));
        }
      }
      assertTrue(Tracewright.flush(Duration.ofSeconds(30)));
    } finally {
      recording.set(false);
      cli.join();
    }
    assertEquals(null, died.get(), "the prune thread failed");
    assertTrue(pruned.get() > 0, "the prune ran against the writer (" + pruneErrors.get() + " lock errors)");
    try (Connection c = second(base)) {
      assertEquals(0, count(c, DANGLING), "after " + pruned.get() + " traces pruned");
    }
  }
}
