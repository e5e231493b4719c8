package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TraceStats;
import dev.tracewright.runtime.Tracewright;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: under the default DROP policy a burst of 52k spans overflowed the queue and dropped the
 * root span, and the trace read "running" for ever. The root's end now has room kept for it, and a
 * trace that lost spans says how many.
 */
class QueueOverflowTraceTest {

  @AfterEach
  void stop() {
    Tracewright.shutdown(Duration.ofSeconds(10));
  }

  /** A real H2 file store whose writes wait until released, so the burst surely overflows the queue. */
  static final class GatedStore implements TraceStore {
    final H2Store h2;
    final CountDownLatch open = new CountDownLatch(1);

    GatedStore(H2Store h2) {
      this.h2 = h2;
    }

    @Override
    public void write(WriteBatch batch) throws Exception {
      open.await();
      h2.write(batch);
    }

    @Override
    public void sync() throws Exception {
      h2.sync();
    }

    @Override
    public void close() {
      h2.close();
    }
  }

  @Test
  void aBurstOf52kSpansUnderDropKeepsTheRootAndSaysWhatWasDropped(@TempDir Path dir) throws Exception {
    GatedStore store = new GatedStore(H2Store.file(dir.resolve("traces")));
    Tracewright.init(TraceConfig.builder().store(store).build()); // defaults: DROP, capacity 8192
    String traceId;
    try (ActiveSpan root = Tracewright.span("burst", SpanKind.AGENT).start()) {
      traceId = Tracewright.traceparent().orElseThrow().substring(3, 35);
      for (int i = 0; i < 52_000; i++) {
        Tracewright.span("child", SpanKind.TOOL).start().close();
      }
    }
    store.open.countDown();
    Tracewright.flush(Duration.ofSeconds(60));
    TraceStats stats = Tracewright.stats();
    assertTrue(stats.dropped() > 40_000, "the burst overflowed the queue: " + stats.dropped());

    try (Connection c = store.h2.connection(); Statement st = c.createStatement()) {
      ResultSet t = st.executeQuery("SELECT status, span_count, root_span_id, end_time FROM traces WHERE trace_id = '" + traceId + "'");
      assertTrue(t.next(), "the trace has a row");
      assertEquals("OK", t.getString(1), "the trace ended: not INCOMPLETE (\"running\")");
      assertEquals(52_001, t.getInt(2));
      String rootId = t.getString(3);
      assertTrue(t.getObject(4) != null);
      ResultSet d = st.executeQuery("SELECT dropped_spans FROM traces WHERE trace_id = '" + traceId + "'");
      d.next();
      assertEquals(stats.dropped(), d.getInt(1), "the row says how many of its spans the queue dropped");
      ResultSet root = st.executeQuery("SELECT name FROM spans WHERE span_id = '" + rootId + "'");
      assertTrue(root.next(), "the root span itself was written");
      assertEquals("burst", root.getString(1));
      ResultSet n = st.executeQuery("SELECT COUNT(*) FROM spans WHERE trace_id = '" + traceId + "'");
      n.next();
      assertEquals(52_001 - stats.dropped(), n.getLong(1), "span_count minus dropped_spans is what the database holds");
    }
  }

  @Test
  void whenEvenTheReserveOverflowsTracesAreClosedAndCountTheirLosses(@TempDir Path dir) throws Exception {
    GatedStore store = new GatedStore(H2Store.file(dir.resolve("traces")));
    Tracewright.init(TraceConfig.builder().store(store).queueCapacity(64).batchSize(16).build());
    // Traces running at once, each with a child written before its root ends: more roots end than
    // the reserve holds, after their children were queued (so the writer announces the traces).
    int traces = 100;
    int spansPerTrace = 2;
    CountDownLatch childrenDone = new CountDownLatch(traces);
    ExecutorService pool = Executors.newFixedThreadPool(traces);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < traces; i++) {
      String name = "t" + i;
      done.add(pool.submit(() -> {
        try (ActiveSpan root = Tracewright.span(name, SpanKind.AGENT).start()) {
          Tracewright.span("child", SpanKind.TOOL).start().close();
          childrenDone.countDown();
          childrenDone.await();
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    store.open.countDown();
    Tracewright.flush(Duration.ofSeconds(60));
    Tracewright.flush(Duration.ofSeconds(60));
    TraceStats stats = Tracewright.stats();
    assertTrue(stats.dropped() > 0, "the queue overflowed");

    try (Connection c = store.h2.connection(); Statement st = c.createStatement()) {
      ResultSet inc = st.executeQuery("SELECT COUNT(*) FROM traces WHERE status = 'INCOMPLETE'");
      inc.next();
      assertEquals(0, inc.getLong(1), "no trace whose spans were written reads as running");
      ResultSet rows =
          st.executeQuery(
              "SELECT COUNT(*), SUM(t.dropped_spans), SUM(CASE WHEN t.span_count - t.dropped_spans ="
                  + " (SELECT COUNT(*) FROM spans s WHERE s.trace_id = t.trace_id) THEN 1 ELSE 0 END) FROM traces t");
      rows.next();
      long withRow = rows.getLong(1);
      assertEquals(withRow, rows.getLong(3), "every row's span_count minus dropped_spans is what the database holds");
      // A trace dropped whole has no row: its spans count in stats only.
      assertEquals(stats.dropped(), rows.getLong(2) + (traces - withRow) * spansPerTrace);
      ResultSet lostRoots =
          st.executeQuery("SELECT COUNT(*) FROM traces t WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.span_id = t.root_span_id)");
      lostRoots.next();
      assertTrue(lostRoots.getLong(1) > 0, "the case under test happened: some roots did not fit even in the reserve");
    }
  }
}
