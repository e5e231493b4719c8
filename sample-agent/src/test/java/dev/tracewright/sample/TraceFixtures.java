package dev.tracewright.sample;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.cli.TracewrightCli;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Records one real run of the sample agent (FULL_LOCAL, into an H2 file) and exports it the way a
 * user does, with {@code tracewright export --format jsonl --content}. Its {@code main} writes the
 * committed fixture of {@code ReplayTraceExtensionTest}:
 *
 * <pre>
 * mvn -pl sample-agent -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/tracewright-cp.txt -Dmdep.includeScope=test
 * java -cp "sample-agent/target/test-classes:sample-agent/target/classes:$(cat /tmp/tracewright-cp.txt)" \
 *     dev.tracewright.sample.TraceFixtures sample-agent/src/test/resources/traces/leap-year.jsonl
 * </pre>
 *
 * Re-run it when the agent, its tools or what Tracewright records changes: the test replays STRICT
 * and fails on unused recordings, so a stale fixture fails the build.
 */
final class TraceFixtures {
  static final String LEAP_YEAR = "How many seconds are in a leap year: 366 * 24 * 3600?";

  private TraceFixtures() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "sample-agent/src/test/resources/traces/leap-year.jsonl");
    Path dir = Files.createTempDirectory("tracewright-fixture");
    Files.deleteIfExists(out);
    Files.createDirectories(out.toAbsolutePath().getParent());
    record(dir, LEAP_YEAR, out);
    System.out.println("wrote " + out);
  }

  /**
   * Runs the agent once on {@code question} for real, exports the trace to {@code jsonl} and
   * returns what the run returned (the answer, or the exception it threw). Leaves Tracewright
   * shut down.
   */
  static Object record(Path dir, String question, Path jsonl) throws Exception {
    return record(dir, question, jsonl, true);
  }

  /** As {@link #record(Path, String, Path)}; {@code content} false exports as without {@code --content}. */
  static Object record(Path dir, String question, Path jsonl, boolean content) throws Exception {
    Path db = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(db)).capturePolicy(CapturePolicy.FULL_LOCAL).build());
    Object outcome;
    try (CountedAgent counted = new CountedAgent()) {
      try {
        outcome = counted.agent.research(question);
      } catch (Exception e) {
        outcome = e;
      }
    } finally {
      Tracewright.shutdown();
    }
    String traceId;
    try (Connection c = H2Store.file(db).openReadConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT trace_id FROM traces ORDER BY start_time DESC LIMIT 1")) {
      rs.next();
      traceId = rs.getString(1);
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = TracewrightCli.run(
        content
            ? new String[] {"export", "--db", db.toString(), "--format", "jsonl", "--content", "--trace", traceId, "-o", jsonl.toString()}
            : new String[] {"export", "--db", db.toString(), "--format", "jsonl", "--trace", traceId, "-o", jsonl.toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    if (exit != 0) {
      throw new IllegalStateException("tracewright export failed (" + exit + "): " + err.toString(StandardCharsets.UTF_8));
    }
    return outcome;
  }
}
