package dev.tracewright.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.context.Ids;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import dev.tracewright.runtime.store.WriteBatch;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stats} from the rollups gives what reading every span gives, for windows that start on an
 * hour and in the middle of one (that part read from the spans, exactly), before and after a prune;
 * its percentiles are within 1% of the exact ones on a skewed distribution. And {@code list --errors}
 * reads traces through their error flag's index.
 */
class StatsRollupsTest {
  @TempDir Path dir;

  private long sequence;
  /** Every span's duration by span name, for the exact percentiles. */
  private final Map<String, List<Double>> durations = new HashMap<>();
  private final List<Instant> starts = new ArrayList<>();

  /** 1,500 traces over the last 30 hours; durations log-normal with a long tail; one trace in 60 has a failed span. */
  private Path database(int traces, int failEvery) throws Exception {
    Path base = dir.resolve("traces");
    SplittableRandom random = new SplittableRandom(5);
    Instant now = Instant.now();
    H2Store store = H2Store.file(base);
    try {
      List<SpanRecord> spans = new ArrayList<>();
      List<TraceRecord> rows = new ArrayList<>();
      for (int t = 0; t < traces; t++) {
        Instant start = now.minusMillis(random.nextLong(30L * 3600 * 1000));
        starts.add(start);
        String traceId = Ids.hex(start.toEpochMilli() << 20 | ++sequence, random.nextLong() | 1);
        String root = Ids.hex(start.toEpochMilli() << 20 | ++sequence);
        boolean failing = t % failEvery == 0;
        long in = 0;
        long total = 0;
        for (int i = 0; i < 8; i++) {
          boolean llm = i % 2 == 0;
          double ms = Math.exp(random.nextGaussian() * 1.5 + (llm ? 6 : 2));
          long nanos = (long) (ms * 1e6);
          Long tokens = llm ? 100L + random.nextInt(900) : null;
          Double usd = llm && i != 4 ? tokens * 3e-6 : null;
          String name = llm ? "chat" : "tool";
          durations.computeIfAbsent(name, k -> new ArrayList<>()).add(nanos / 1e6);
          Instant s = start.plusMillis(i);
          spans.add(new SpanRecord(Ids.hex(start.toEpochMilli() << 20 | ++sequence), traceId, root, name, llm ? SpanKind.LLM : SpanKind.TOOL,
              failing && i == 3 ? SpanRecord.ERROR : SpanRecord.OK, s, s.plusNanos(nanos), nanos, null, null, "t",
              llm ? (i == 4 ? "no-such-model" : "gpt-4o") : null, null, tokens, llm ? 10L : null, usd, null, null, null, null, null, null,
              Map.of(), CapturePolicy.METADATA_ONLY));
          in += tokens == null ? 0 : tokens;
          total = Math.max(total, nanos);
        }
        spans.add(new SpanRecord(root, traceId, null, "agent", SpanKind.AGENT, SpanRecord.OK, start, start.plusNanos(total + 9_000_000),
            total + 9_000_000, null, null, "t", null, null, null, null, null, null, null, null, null, null, null, Map.of(),
            CapturePolicy.METADATA_ONLY));
        rows.add(new TraceRecord(traceId, "agent", "svc", start, start.plusNanos(total + 9_000_000), total + 9_000_000, SpanRecord.OK, root,
            9, failing ? 1 : 0, in, 40, in * 3e-6));
        if (rows.size() == 20) {
          store.write(new WriteBatch(spans, List.of(), rows, List.of()));
          spans.clear();
          rows.clear();
        }
      }
      store.write(new WriteBatch(spans, List.of(), rows, List.of()));
      store.sync();
    } finally {
      store.close();
    }
    return base;
  }

  /**
   * The same counts, tokens, costs and errors, and percentiles in the same 2% bucket: a rollup keeps
   * its histogram's bounds per row, where reading the spans knows each bucket's own min and max.
   */
  private static void assertSameReport(StatsReport expected, StatsReport actual, String window) {
    assertSameRows(expected.byTrace(), actual.byTrace(), "by trace, " + window);
    assertSameRows(expected.byModel(), actual.byModel(), "by model, " + window);
    assertSameRows(expected.bySpanName(), actual.bySpanName(), "by span name, " + window);
  }

  private static void assertSameRows(List<StatsReport.Row> expected, List<StatsReport.Row> actual, String what) {
    assertEquals(expected.stream().map(StatsRollupsTest::withoutPercentiles).toList(),
        actual.stream().map(StatsRollupsTest::withoutPercentiles).toList(), what);
    for (int i = 0; i < expected.size(); i++) {
      assertWithin(0.021, expected.get(i).p50Ms(), actual.get(i).p50Ms(), what + " " + expected.get(i).key() + " p50");
      assertWithin(0.021, expected.get(i).p95Ms(), actual.get(i).p95Ms(), what + " " + expected.get(i).key() + " p95");
    }
  }

  private static StatsReport.Row withoutPercentiles(StatsReport.Row r) {
    return new StatsReport.Row(r.key(), r.count(), 0, 0, r.inputTokens(), r.outputTokens(), r.costUsd(), r.unpricedCalls(), r.errors());
  }

  @Test
  void statsFromRollupsEqualStatsFromEverySpanForEveryWindow() throws Exception {
    Path base = database(1500, 60);
    Instant now = Instant.now();
    Instant hour = now.truncatedTo(ChronoUnit.HOURS);
    List<Instant> windows = new ArrayList<>();
    windows.add(null);
    windows.add(now.minusSeconds(3600)); // mid-hour: the first part from the spans
    windows.add(hour.minusSeconds(7 * 3600 + 13 * 60 + 7));
    windows.add(hour.minusSeconds(5 * 3600)); // on the hour: rollups only
    windows.add(now.plusSeconds(3600)); // nothing
    try (TraceDb db = TraceDb.open(base)) {
      assertTrue(db.hasRollups());
      for (Instant since : windows) {
        StatsReport exact = StatsReport.computeFromSpans(db, since);
        StatsReport rolled = StatsReport.compute(db, since);
        assertSameReport(exact, rolled, "since " + since);
        if (since != null && since.isBefore(now)) {
          long inWindow = starts.stream().filter(s -> !s.isBefore(since)).count();
          assertEquals(inWindow, rolled.byTrace().get(0).count(), "traces started in the window, since " + since);
          assertEquals(8 * inWindow, rolled.bySpanName().stream().filter(r -> !r.key().equals("agent")).mapToLong(StatsReport.Row::count).sum());
        }
      }
      StatsReport all = StatsReport.compute(db, null);
      for (StatsReport.Row r : all.bySpanName()) {
        List<Double> values = durations.get(r.key());
        if (values == null) {
          continue;
        }
        assertWithinOnePercent(exactQuantile(values, 0.5), r.p50Ms(), r.key() + " p50");
        assertWithinOnePercent(exactQuantile(values, 0.95), r.p95Ms(), r.key() + " p95");
      }
      StatsReport.Row model = all.byModel().stream().filter(r -> r.key().equals("no-such-model")).findFirst().orElseThrow();
      assertEquals(1500, model.unpricedCalls(), "calls stored without a cost and unknown to the table: unknown, still counted");
    }

    // A prune takes its traces out of the rollups in the same transaction.
    try (TraceDb db = TraceDb.openForMaintenance(base)) {
      Instant cutoff = now.minusSeconds(12 * 3600);
      db.connection().setAutoCommit(false);
      new dev.tracewright.runtime.store.TracePruner(db.connection()).pruneBatch(cutoff, 400);
      db.connection().setAutoCommit(true);
    }
    try (TraceDb db = TraceDb.open(base)) {
      for (Instant since : windows) {
        assertSameReport(StatsReport.computeFromSpans(db, since), StatsReport.compute(db, since), "after a prune, since " + since);
      }
    }
  }

  @Test
  void listErrorsReadsTracesThroughTheErrorFlagsIndex() throws Exception {
    Path base = database(1200, 300); // errors in 4 traces of 1,200
    try (TraceDb db = TraceDb.open(base)) {
      TraceQuery errors = TraceQuery.recent(20).status(TraceQuery.Status.ANY_ERROR);
      String plan = db.plan(errors);
      assertTrue(plan.contains("TRACES_BY_ERROR"), plan);
      List<TraceRecord> found = db.traces(errors);
      assertEquals(4, found.size());
      for (TraceRecord t : found) {
        assertEquals(1, t.errorCount());
      }
      for (int i = 1; i < found.size(); i++) {
        assertTrue(!found.get(i).startTime().isAfter(found.get(i - 1).startTime()), "newest first");
      }
    }
  }

  @Test
  void listErrorsWalksTracesNewestFirstWhenErrorsAreCommon() throws Exception {
    Path base = database(11_000, 2); // errors in 5,500 traces: more than TraceDb.RARE
    try (TraceDb db = TraceDb.open(base)) {
      TraceQuery errors = TraceQuery.recent(20).status(TraceQuery.Status.ANY_ERROR);
      String plan = db.plan(errors);
      // Before: H2 read all 5,500 through the flag's index and sorted them (2.8 s for 170 k on 10 M spans).
      assertTrue(plan.contains("TRACES_BY_TIME") && !plan.contains("TRACES_BY_ERROR"), plan);
      List<TraceRecord> found = db.traces(errors);
      assertEquals(20, found.size());
      List<Instant> newestFailing = java.util.stream.IntStream.range(0, starts.size()).filter(t -> t % 2 == 0).mapToObj(starts::get)
          .sorted(java.util.Comparator.reverseOrder()).limit(20).toList();
      assertEquals(newestFailing, found.stream().map(TraceRecord::startTime).toList(), "the 20 newest traces with an error");
    }
  }

  /** The value at rank ceil(q·n), as the histogram defines it. */
  private static double exactQuantile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get((int) Math.max(0, Math.ceil(q * sorted.size()) - 1));
  }

  private static void assertWithinOnePercent(double exact, double actual, String what) {
    assertWithin(0.01, exact, actual, what);
  }

  private static void assertWithin(double share, double exact, double actual, String what) {
    assertTrue(Math.abs(actual - exact) <= share * exact, what + ": " + actual + " vs " + exact);
  }
}
