package dev.tracewright.benchmarks;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.context.Ids;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import dev.tracewright.runtime.store.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A trace database of a given size for the query benchmark, written through {@link H2Store} (the
 * runtime's own schema, indexes and write path) with traces of 20 spans spread evenly over the last
 * 30 days: an agent run of a planning step, LLM turns with tokens and cost, tools (one in 25 fails),
 * a retrieval; one trace in 1,000 left INCOMPLETE (its root never ended). Built once per size and
 * reused: {@code java -cp benchmarks.jar dev.tracewright.benchmarks.QueryDatabase 10000000 DIR}.
 */
public final class QueryDatabase {
  static final int SPANS_PER_TRACE = 20;
  static final Duration SPREAD = Duration.ofDays(30);
  static final String DONE = "complete";

  private QueryDatabase() {}

  /** The database of {@code spans} spans under {@code dir}, built if it is not there yet. */
  static Path ensure(Path dir, long spans) throws Exception {
    Path base = dir.resolve("spans-" + spans).resolve("traces");
    Path marker = base.resolveSibling(DONE);
    if (Files.exists(marker)) {
      return base;
    }
    if (Files.exists(base.getParent())) {
      try (var files = Files.list(base.getParent())) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
    }
    long started = System.nanoTime();
    build(base, spans);
    double seconds = (System.nanoTime() - started) / 1e9;
    long bytes = Files.size(H2Store.dataFile(base));
    Files.writeString(marker, String.format("%d spans in %.0f s, %.0f MB%n", spans, seconds, bytes / 1e6));
    System.out.printf("built %s: %d spans in %.0f s (%.0f spans/s), %.0f MB%n", base, spans, seconds, spans / seconds, bytes / 1e6);
    return base;
  }

  static void build(Path base, long spans) throws Exception {
    long traces = spans / SPANS_PER_TRACE;
    Instant end = Instant.now();
    Instant start = end.minus(SPREAD);
    long stepNanos = SPREAD.toNanos() / traces;
    SplittableRandom random = new SplittableRandom(42);
    H2Store store = H2Store.file(base);
    try {
      List<SpanRecord> batchSpans = new ArrayList<>();
      List<EventRecord> batchEvents = new ArrayList<>();
      List<TraceRecord> batchTraces = new ArrayList<>();
      List<TraceRecord> batchStarted = new ArrayList<>();
      for (long t = 0; t < traces; t++) {
        Instant traceStart = start.plusNanos(t * stepNanos);
        boolean incomplete = t % 1000 == 999;
        addTrace(traceStart, random, incomplete, batchSpans, batchEvents, batchTraces, batchStarted);
        if (batchSpans.size() >= 10_000 || t == traces - 1) {
          store.write(new WriteBatch(batchSpans, batchEvents, batchTraces, List.of(), batchStarted));
          batchSpans.clear();
          batchEvents.clear();
          batchTraces.clear();
          batchStarted.clear();
        }
      }
      store.sync();
    } finally {
      store.close();
    }
  }

  private static void addTrace(Instant start, SplittableRandom random, boolean incomplete, List<SpanRecord> spans, List<EventRecord> events,
      List<TraceRecord> traces, List<TraceRecord> started) {
    long millis = start.toEpochMilli();
    String traceId = Ids.hex((millis << 22) | random.nextInt(1 << 21), random.nextLong() | 1);
    String rootId = spanId(millis, random);
    long offsetNanos = 1_000_000;
    int errors = 0;
    long in = 0;
    long out = 0;
    double cost = 0;
    for (int i = 1; i < SPANS_PER_TRACE; i++) {
      SpanKind kind = i % 4 == 1 ? SpanKind.LLM : i % 4 == 2 ? SpanKind.TOOL : i % 4 == 3 ? SpanKind.RETRIEVAL : SpanKind.STEP;
      String name = switch (kind) {
        case LLM -> "chat";
        case TOOL -> i % 8 == 2 ? "web_search" : "calculator";
        case RETRIEVAL -> "retrieve_documents";
        default -> "plan";
      };
      long duration = 1_000_000 + random.nextLong(kind == SpanKind.LLM ? 900_000_000 : 90_000_000);
      boolean failed = kind == SpanKind.TOOL && random.nextInt(25) == 0;
      Long inTokens = kind == SpanKind.LLM ? 200L + random.nextInt(2000) : null;
      Long outTokens = kind == SpanKind.LLM ? 20L + random.nextInt(400) : null;
      Double usd = kind == SpanKind.LLM ? (inTokens * 2.5 + outTokens * 10) / 1e6 : null;
      String id = spanId(millis, random);
      Instant s = start.plusNanos(offsetNanos);
      spans.add(new SpanRecord(id, traceId, rootId, name, kind, failed ? SpanRecord.ERROR : SpanRecord.OK, s, s.plusNanos(duration), duration,
          "com.acme.Agent", name, "main", kind == SpanKind.LLM ? (i % 8 == 1 ? "gpt-4o" : "gpt-4o-mini") : null,
          kind == SpanKind.LLM ? "openai" : null, inTokens, outTokens, usd, "{\"query\":\"question " + random.nextInt(1000) + "\"}",
          "\"answer\"", null, null, failed ? "java.util.concurrent.TimeoutException" : null, failed ? "timed out after 2s" : null,
          Map.of(), CapturePolicy.REDACTED_PREVIEW));
      if (failed) {
        events.add(new EventRecord(id, 0, s.plusNanos(duration / 2), "retry", Map.of("attempt", 1)));
        errors++;
      }
      in += inTokens == null ? 0 : inTokens;
      out += outTokens == null ? 0 : outTokens;
      cost += usd == null ? 0 : usd;
      offsetNanos += duration + 100_000;
    }
    if (incomplete) {
      started.add(TraceRecord.incomplete(traceId, "research", "bench", start, rootId));
      return;
    }
    Instant end = start.plusNanos(offsetNanos);
    spans.add(new SpanRecord(rootId, traceId, null, "research", SpanKind.AGENT, SpanRecord.OK, start, end, offsetNanos, "com.acme.Agent",
        "research", "main", null, null, null, null, null, "{\"question\":\"why?\"}", "\"because\"", null, null, null, null, Map.of(),
        CapturePolicy.REDACTED_PREVIEW));
    traces.add(new TraceRecord(traceId, "research", "bench", start, end, offsetNanos, SpanRecord.OK, rootId, SPANS_PER_TRACE, errors, in, out, cost));
  }

  private static long sequence;

  /** Time-ordered like the runtime's: the millisecond in the high bits, a counter below. */
  private static String spanId(long millis, SplittableRandom random) {
    return Ids.hex((millis << 22) | (sequence++ & ((1 << 22) - 1)));
  }

  public static void main(String[] args) throws Exception {
    long spans = Long.parseLong(args[0]);
    Path dir = Path.of(args.length > 1 ? args[1] : "target/querydb");
    ensure(dir, spans);
  }
}
