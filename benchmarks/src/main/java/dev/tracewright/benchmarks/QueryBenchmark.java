package dev.tracewright.benchmarks;

import dev.tracewright.cli.StatsReport;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.TraceQuery;
import dev.tracewright.runtime.store.TracePruner;
import dev.tracewright.runtime.store.TraceRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 13: the read model on databases of 10 k, 1 M and 10 M spans (built once by
 * {@link QueryDatabase} and reused). {@code list} and {@code show} must take the same time on every
 * size; {@code statsSince1h} must follow the spans in the window (0.14% of each database); the
 * incomplete-trace lookup must not scan spans. {@code pruneOldest} deletes the 5 oldest traces per
 * call, so it runs a fixed number of single shots.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Benchmark)
public class QueryBenchmark {
  @Param({"10000", "1000000", "10000000"})
  long spans;

  @Param("target/querydb")
  String dir;

  TraceDb db;
  String middleTrace;

  @Setup
  public void open() throws Exception {
    Path base = QueryDatabase.ensure(Path.of(dir), spans);
    db = TraceDb.open(base);
    List<TraceRecord> page = db.traces(TraceQuery.recent(1).since(Instant.now().minus(QueryDatabase.SPREAD.dividedBy(2))));
    middleTrace = db.traces(new TraceQuery(1, page.get(0).startTime(), page.get(0).traceId(), null, null, null, null, null, null))
        .get(0).traceId().substring(0, 16);
  }

  @TearDown
  public void close() {
    db.close();
  }

  /**
   * 20 or 21, in turn: H2 hands back its last result for a query repeated on an unchanged database
   * (0.1 ms however large), so no two calls in a row ask the same.
   */
  private int page() {
    return 20 + (int) (++calls % 2);
  }

  /** {@code tracewright list}: the newest 20 traces. */
  @Benchmark
  public List<TraceRecord> list() throws Exception {
    return db.traces(TraceQuery.recent(page()));
  }

  /** {@code tracewright list --errors}: the newest 20 traces with any failed span. */
  @Benchmark
  public List<TraceRecord> listErrors() throws Exception {
    return db.traces(TraceQuery.recent(page()).status(TraceQuery.Status.ANY_ERROR));
  }

  /** {@code list --name searc}: part of a name (every trace here is "research"). */
  @Benchmark
  public List<TraceRecord> listNamePart() throws Exception {
    return db.traces(TraceQuery.recent(page()).named("searc"));
  }

  /** {@code list --text "question 7"}: a phrase in about one trace in 90 here, found walking newest first. */
  @Benchmark
  public List<TraceRecord> searchCommonPhrase() throws Exception {
    return db.traces(TraceQuery.recent(page()).text("question 7"));
  }

  /** {@code list --text "zebra crossing"}: a phrase in no trace, the worst case: every trace's words filter is tested. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 1, batchSize = 1)
  @Measurement(iterations = 3, batchSize = 1)
  public List<TraceRecord> searchAbsentPhrase() throws Exception {
    return db.traces(TraceQuery.recent(page()).text("zebra crossing " + ++calls));
  }

  /** Traces whose root has not ended (one in 1,000 here). */
  @Benchmark
  public List<TraceRecord> incomplete() throws Exception {
    return db.traces(TraceQuery.recent(page()).status(TraceQuery.Status.INCOMPLETE));
  }

  /** {@code tracewright show}: a trace from the middle of the database, with its spans and events. */
  @Benchmark
  public int show() throws Exception {
    TraceRecord t = db.trace(middleTrace);
    return db.spans(t.traceId()).size() + db.events(t.traceId()).size();
  }

  /** {@code tracewright stats --since 1h}. */
  @Benchmark
  public StatsReport statsSince1h() throws Exception {
    return StatsReport.compute(db, Instant.now().minus(Duration.ofHours(1)));
  }

  /**
   * A window from before the first span, an hour later each call: all time, and never the same
   * query twice (H2 returns its last result again for a repeated query on an unchanged database;
   * the rollups are read from the first whole hour, so the start moves by hours).
   */
  private Instant allTime() {
    return Instant.EPOCH.plusSeconds(3600 * ++calls);
  }

  private long calls;

  /** {@code tracewright stats} over all time: the rollups (every hour of the file). */
  @Benchmark
  public StatsReport statsAllTime() throws Exception {
    return StatsReport.compute(db, allTime());
  }

  /** The same over every span and trace, as before the rollups: the ratio to {@link #statsAllTime} is what they buy. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 1, batchSize = 1)
  @Measurement(iterations = 3, batchSize = 1)
  public StatsReport statsAllTimeFromSpans() throws Exception {
    return StatsReport.computeFromSpans(db, allTime());
  }

  /** Retention's unit of work on a separate writable connection: the 5 oldest traces, one transaction. */
  @State(Scope.Benchmark)
  public static class Writable {
    Connection connection;

    @Setup
    public void open(QueryBenchmark bench) throws Exception {
      Path base = QueryDatabase.ensure(Path.of(bench.dir), bench.spans);
      bench.db.close();
      connection = java.sql.DriverManager.getConnection(dev.tracewright.runtime.store.H2Store.fileUrl(base, false, true), "sa", "");
      connection.setAutoCommit(false);
      bench.db = TraceDb.open(base);
    }

    @TearDown
    public void close() throws Exception {
      connection.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 2, batchSize = 1)
  @Measurement(iterations = 10, batchSize = 1)
  public TracePruner.Removed pruneOldest(Writable w) throws Exception {
    return new TracePruner(w.connection).pruneBatch(Instant.now(), 5);
  }
}
