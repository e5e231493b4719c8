package dev.tracewright.benchmarks;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.H2Store;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
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
 * SPEC §9 bar 1: a call through the generated wrapper (METADATA_ONLY, asynchronous H2 file store)
 * against the same call untraced and against one OpenTelemetry SDK span (BatchSpanProcessor with a
 * discarding exporter; start, three attributes, end) around it. Run with {@code -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CallOverheadBenchmark {
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<Long> TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("stream");

  private final Calculator plain = new Calculator();
  private final Calculator traced = new CalculatorTraced();
  private long a = 3;
  private long b = 4;
  private Path dir;
  private SdkTracerProvider otel;
  private Tracer tracer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("tracewright-bench");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(dir.resolve("traces"))).capturePolicy(CapturePolicy.METADATA_ONLY).build());
    otel = SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(new DiscardingExporter()).build()).build();
    tracer = otel.get("bench");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println("\nTracewright " + Tracewright.stats());
    Tracewright.shutdown();
    otel.close();
  }

  /**
   * What the benchmark thread itself allocates per call, printed after each iteration: {@code -prof
   * gc} counts every thread, including the writer inserting into H2 (~16 KB of garbage per row).
   */
  @State(Scope.Thread)
  public static class CallingThread {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long calls;
    private long startBytes;

    @Setup(Level.Iteration)
    public void start() {
      calls = 0;
      startBytes = THREADS.getCurrentThreadAllocatedBytes();
    }

    @TearDown(Level.Iteration)
    public void report() {
      long bytes = THREADS.getCurrentThreadAllocatedBytes() - startBytes;
      System.out.printf("  calling thread: %.1f B/call over %,d calls%n", (double) bytes / Math.max(1, calls), calls);
    }
  }

  @Benchmark
  public long untraced(CallingThread thread) {
    thread.calls++;
    return plain.add(a, b);
  }

  @Benchmark
  public long traced(CallingThread thread) {
    thread.calls++;
    return traced.add(a, b);
  }

  @Benchmark
  public long openTelemetrySpan(CallingThread thread) {
    thread.calls++;
    Span span = tracer.spanBuilder("add").startSpan();
    span.setAttribute(MODEL, "gpt-4o");
    span.setAttribute(TOKENS, 1200L);
    span.setAttribute(STREAM, false);
    try {
      return plain.add(a, b);
    } finally {
      span.end();
    }
  }

  /** Drops everything: measures the SDK's recording path, not an exporter. */
  static final class DiscardingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
