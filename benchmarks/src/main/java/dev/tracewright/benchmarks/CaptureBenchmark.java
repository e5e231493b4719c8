package dev.tracewright.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.NullStore;
import dev.tracewright.runtime.store.TraceStore;
import dev.tracewright.runtime.store.WriteBatch;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SPEC §9 / issue 8 bar 2: what FULL_LOCAL capture costs the application thread, against Jackson
 * serializing the same argument and result. Redaction, hashing and storage happen on the writer
 * thread. With {@code writer=running} (a NullStore) that thread converts, redacts and hashes
 * millions of spans a second beside the benchmark on a 2-core machine, and its CPU and garbage
 * show up in the figure; with {@code writer=stalled} its store never returns, the queue stays full
 * and each span is dropped (counted) after the application thread did all its work: the
 * application thread's cost alone, minus the queue hand-off.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CaptureBenchmark {
  @Param({"METADATA_ONLY", "FULL_LOCAL"})
  public String policy;

  @Param({"stalled", "running"})
  public String writer;

  private final CountDownLatch release = new CountDownLatch(1);

  private final ObjectMapper jackson = new ObjectMapper();
  private final Calculator plain = new Calculator();
  private final Calculator traced = new CalculatorTraced();
  private final Calculator.Order order = new Calculator.Order("order-1042", "alice", 3, 9.5);

  @Setup(Level.Trial)
  public void setUp() {
    TraceStore store = writer.equals("stalled") ? new StalledStore(release) : new NullStore();
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(CapturePolicy.valueOf(policy)).build());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println("\nTracewright " + Tracewright.stats());
    release.countDown();
    Tracewright.shutdown();
  }

  /** Never returns from a write until the trial ends. */
  static final class StalledStore implements TraceStore {
    private final CountDownLatch release;

    StalledStore(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void write(WriteBatch batch) throws InterruptedException {
      release.await();
    }
  }

  @Benchmark
  public Calculator.Quote untraced() {
    return plain.quote(order);
  }

  @Benchmark
  public Calculator.Quote traced() {
    return traced.quote(order);
  }

  /** The yardstick: Jackson writing the same argument and the same result. */
  @Benchmark
  public void jacksonArgumentAndResult(Blackhole bh) throws Exception {
    bh.consume(jackson.writeValueAsBytes(order));
    bh.consume(jackson.writeValueAsBytes(plain.quote(order)));
  }
}
