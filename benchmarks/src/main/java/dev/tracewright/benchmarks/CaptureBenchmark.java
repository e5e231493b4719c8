package dev.tracewright.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.NullStore;
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
 * thread (the store is a NullStore, so the database does not compete for the second core).
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

  private final ObjectMapper jackson = new ObjectMapper();
  private final Calculator plain = new Calculator();
  private final Calculator traced = new CalculatorTraced();
  private final Calculator.Order order = new Calculator.Order("order-1042", "alice", 3, 9.5);

  @Setup(Level.Trial)
  public void setUp() {
    Tracewright.init(TraceConfig.builder().store(new NullStore()).capturePolicy(CapturePolicy.valueOf(policy)).build());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println("\nTracewright " + Tracewright.stats());
    Tracewright.shutdown();
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
