package dev.tracewright.benchmarks;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.OverflowPolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TraceStats;
import dev.tracewright.runtime.TracedCall;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.context.Ids;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.Schema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 8 bar 3: 2M spans (200k traces of 10) recorded by two threads into a file H2 database
 * through the writer (BLOCK: nothing dropped), against raw batched JDBC inserts of the same rows in
 * the same process. Each invocation starts from an empty database; the time includes the final
 * durable flush. Bytes per span on disk are printed after each invocation.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@State(Scope.Benchmark)
public class IngestBenchmark {
  static final int SPANS = 2_000_000;
  static final int SPANS_PER_TRACE = 10;
  static final int THREADS = 2;
  static final int BATCH = 512;
  static final TracedCall.Site ROOT = TracedCall.site(IngestBenchmark.class, "run", SpanKind.AGENT, "research");
  static final TracedCall.Site CHILD = TracedCall.site(IngestBenchmark.class, "tool", SpanKind.TOOL, "web_search");

  private Path dir;

  @Setup(Level.Invocation)
  public void freshDatabase() throws IOException {
    dir = Files.createTempDirectory("tracewright-ingest");
  }

  @TearDown(Level.Invocation)
  public void report() throws IOException {
    long bytes;
    try (Stream<Path> files = Files.walk(dir)) {
      bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf("%n  on disk: %,d bytes, %d B/span%n", bytes, bytes / SPANS);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public TraceStats tracewright() throws InterruptedException {
    Tracewright.init(TraceConfig.builder().store(H2Store.file(dir.resolve("traces")))
        .overflowPolicy(OverflowPolicy.BLOCK).batchSize(BATCH).queueCapacity(16_384)
        .capturePolicy(dev.tracewright.annotations.CapturePolicy.METADATA_ONLY).build());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread = new Thread(() -> {
        for (int trace = 0; trace < SPANS / SPANS_PER_TRACE / THREADS; trace++) {
          TracedCall root = ROOT.begin();
          for (int c = 1; c < SPANS_PER_TRACE; c++) {
            CHILD.begin().returned();
          }
          root.returned();
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    Tracewright.flush();
    TraceStats stats = Tracewright.stats();
    Tracewright.shutdown();
    if (stats.persisted() != SPANS || stats.dropped() != 0) {
      throw new IllegalStateException("expected every span persisted: " + stats);
    }
    return stats;
  }

  /** The same rows Tracewright writes (spans and their traces), inserted in batches of 512 and synced. */
  @Benchmark
  public long rawJdbc() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("raw") + ";TRACE_LEVEL_FILE=0", "sa", "")) {
      Schema.migrate(c);
      c.setAutoCommit(false);
      PreparedStatement span = c.prepareStatement(
          "INSERT INTO spans (span_id, trace_id, parent_span_id, name, kind, status, start_time, end_time, duration_ms,"
              + " code_namespace, code_function, thread_name, capture_policy) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
      PreparedStatement trace = c.prepareStatement(
          "INSERT INTO traces (trace_id, name, service_name, start_time, end_time, duration_ms, status, root_span_id,"
              + " span_count, error_count, input_tokens, output_tokens, cost_usd) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
      long id = System.currentTimeMillis() << 22;
      long low = ThreadLocalRandom.current().nextLong();
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      int pending = 0;
      for (int t = 0; t < SPANS / SPANS_PER_TRACE; t++) {
        long rootId = ++id;
        String traceId = Ids.hex(rootId, low);
        String root = Ids.hex(rootId);
        for (int s = 0; s < SPANS_PER_TRACE; s++) {
          boolean isRoot = s == SPANS_PER_TRACE - 1;
          span.setString(1, isRoot ? root : Ids.hex(++id)); // the same hex formatting the runtime uses
          span.setString(2, traceId);
          span.setString(3, isRoot ? null : root);
          span.setString(4, isRoot ? "research" : "web_search");
          span.setString(5, isRoot ? "AGENT" : "TOOL");
          span.setString(6, "OK");
          span.setObject(7, now);
          span.setObject(8, now);
          span.setDouble(9, 0.01);
          span.setString(10, IngestBenchmark.class.getName());
          span.setString(11, isRoot ? "run" : "tool");
          span.setString(12, "producer-1");
          span.setString(13, "METADATA_ONLY");
          span.addBatch();
          if (++pending == BATCH) {
            span.executeBatch();
            trace.executeBatch();
            c.commit();
            pending = 0;
          }
        }
        trace.setString(1, traceId);
        trace.setString(2, "research");
        trace.setString(3, "unknown_service:java");
        trace.setObject(4, now);
        trace.setObject(5, now);
        trace.setDouble(6, 0.1);
        trace.setString(7, "OK");
        trace.setString(8, root);
        trace.setInt(9, SPANS_PER_TRACE);
        trace.setInt(10, 0);
        trace.setLong(11, 0);
        trace.setLong(12, 0);
        trace.setBigDecimal(13, (BigDecimal) null);
        trace.addBatch();
      }
      span.executeBatch();
      trace.executeBatch();
      c.commit();
      c.createStatement().execute("CHECKPOINT SYNC");
      return id;
    }
  }
}
