package dev.tracewright.benchmarks;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.Replay;
import dev.tracewright.runtime.store.InMemoryStore;
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

/**
 * Replaying a run of {@code calls} tool calls under one parent (FULL_LOCAL, the replayed run
 * written to a store that keeps nothing): with the recorded arguments, and with changed ones (a
 * what-if run under ORDERED matching, where no recording has equal arguments). Per call the cost
 * should not grow with the group's size.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ReplayBenchmark {
  @Param({"1000", "4000"})
  public int calls;

  private final BatchAgent agent = new BatchAgentTraced(new BatchAgent_LabelerTraced());
  private RecordedTrace recording;

  @Setup(Level.Trial)
  public void record() {
    InMemoryStore store = new InMemoryStore();
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(CapturePolicy.FULL_LOCAL).queueCapacity(2 * calls).build());
    agent.run(calls, "doc-");
    Tracewright.shutdown();
    recording = RecordedTrace.fromStore(store, store.traces().get(0).traceId());
    Tracewright.init(TraceConfig.builder().store(batch -> {}).capturePolicy(CapturePolicy.FULL_LOCAL).queueCapacity(2 * calls).build());
  }

  @TearDown(Level.Trial)
  public void stop() {
    Tracewright.shutdown();
  }

  @Benchmark
  public int recordedArguments() {
    try (Replay replay = Replay.of(recording).open()) {
      return agent.run(calls, "doc-");
    }
  }

  @Benchmark
  public int changedArguments() {
    try (Replay replay = Replay.of(recording).open()) {
      return agent.run(calls, "other-");
    }
  }
}
