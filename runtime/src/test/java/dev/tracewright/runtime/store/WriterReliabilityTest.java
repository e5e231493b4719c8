package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.OverflowPolicy;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TraceStats;
import dev.tracewright.runtime.Tracewright;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §8: the writer under overload, failure, hangs and interrupts. Real threads throughout. */
@Timeout(120)
class WriterReliabilityTest {
  private final List<LogRecord> warnings = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  // Held strongly: JUL keeps loggers weakly, and a collected one would take the handler with it.
  private final Logger log = Logger.getLogger("dev.tracewright");

  @BeforeEach
  void captureLog() {
    log.addHandler(capture);
  }

  @AfterEach
  void stop() {
    log.removeHandler(capture);
    Tracewright.shutdown(Duration.ofSeconds(2));
  }

  private synchronized long warningsContaining(String text) {
    return warnings.stream().filter(r -> r.getMessage().contains(text)).count();
  }

  private static void recordSpans(int count) {
    for (int i = 0; i < count; i++) {
      Tracewright.span("s", SpanKind.TOOL).start().close();
    }
  }

  /** A store that blocks every write until released. */
  static final class StalledStore implements TraceStore {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicLong written = new AtomicLong();

    @Override
    public void write(WriteBatch batch) throws InterruptedException {
      release.await();
      written.addAndGet(batch.spans().size());
    }
  }

  @Test
  void queueFullUnderDropNeverBlocksOrThrowsAndCountsEveryDrop() throws Exception {
    StalledStore store = new StalledStore();
    Tracewright.init(TraceConfig.builder().store(store).queueCapacity(64).batchSize(16).build());
    int producers = 8;
    int perProducer = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    List<Future<?>> done = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      done.add(pool.submit(() -> recordSpans(perProducer)));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS); // finishes while the store is still stalled: nobody blocked, nothing thrown
    }
    pool.shutdown();
    assertEquals(1, store.release.getCount(), "the store was stalled the whole time");

    store.release.countDown();
    assertFalse(Tracewright.flush(Duration.ofSeconds(30)), "spans were dropped: flush must not say all is durable");
    assertTrue(Tracewright.flush(Duration.ofSeconds(30)), "nothing was lost since the previous flush");
    TraceStats stats = Tracewright.stats();
    long produced = (long) producers * perProducer;
    assertEquals(produced, stats.recorded());
    assertEquals(store.written.get(), stats.persisted());
    assertTrue(stats.dropped() > 0);
    assertEquals(produced - stats.persisted(), stats.dropped());
    assertEquals(1, warningsContaining("queue is full"), "one warning per overflow episode");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runtime", "sql", "stackoverflow"})
  void storeThatThrowsIsSurvivedAndLaterSpansPersist(String failure) throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    Supplier<Throwable> error =
        switch (failure) {
          case "runtime" -> () -> new IllegalStateException("store exploded");
          case "sql" -> () -> new SQLException("disk I/O error");
          default -> StackOverflowError::new;
        };
    TraceStore store =
        batch -> {
          if (broken.get()) {
            Throwable t = error.get();
            if (t instanceof Error e) {
              throw e;
            }
            throw (Exception) t;
          }
          written.addAndGet(batch.spans().size());
        };
    Tracewright.init(TraceConfig.builder().store(store).storeRetryTimeout(Duration.ofMillis(50)).build());

    recordSpans(3);
    assertFalse(Tracewright.flush(Duration.ofSeconds(10)), "the store lost the spans: flush says so");
    String expectedError =
        switch (failure) {
          case "runtime" -> "store exploded";
          case "sql" -> "disk I/O error";
          default -> "StackOverflowError";
        };
    assertTrue(Tracewright.stats().lastError().contains(expectedError), "stats say what failed: " + Tracewright.stats());
    broken.set(false);
    recordSpans(5);
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)));

    TraceStats stats = Tracewright.stats();
    assertEquals(3, stats.failed());
    assertEquals(5, stats.persisted());
    assertEquals(5, written.get());
    assertEquals(1, warningsContaining("store failed"), "one warning for the failure episode");
  }

  @Test
  void shutdownReturnsInTimeWhenTheStoreHangs() throws Exception {
    StalledStore store = new StalledStore(); // never released
    Tracewright.init(TraceConfig.builder().store(store).build());
    recordSpans(10);

    long start = System.nanoTime();
    boolean clean = Tracewright.shutdown(Duration.ofMillis(300));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertFalse(clean, "a hung store cannot finish");
    assertTrue(tookMillis < 60_000, "returned instead of hanging: " + tookMillis + " ms");
    assertFalse(Tracewright.isEnabled());
    recordSpans(1); // and recording after shutdown is a no-op, not a hang
    store.release.countDown();
  }

  @Test
  void interruptingApplicationThreadsBreaksNeitherTheWriterNorTheDatabase(@TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path base = dir.resolve("traces");
    Tracewright.init(TraceConfig.builder().store(H2Store.file(base)).overflowPolicy(OverflowPolicy.BLOCK).queueCapacity(256).build());
    int threads = 4;
    int perThread = 3_000;
    AtomicInteger interruptsSeen = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  Tracewright.span("work", SpanKind.STEP).start().close();
                  if (Thread.interrupted()) { // the interrupt is the application's and stays visible
                    interruptsSeen.incrementAndGet();
                  }
                }
              });
      workers.add(w);
      w.start();
    }
    for (int k = 0; k < 200; k++) {
      workers.forEach(Thread::interrupt);
      Thread.sleep(1);
    }
    for (Thread w : workers) {
      w.join();
    }
    boolean durable = Tracewright.flush(Duration.ofSeconds(60));
    TraceStats stats = Tracewright.stats();
    assertEquals(stats.dropped() == 0, durable, "flush is true exactly when no interrupted span was dropped");
    assertTrue(Tracewright.shutdown(Duration.ofSeconds(30)));

    assertEquals((long) threads * perThread, stats.recorded());
    assertEquals(0, stats.failed());
    assertEquals(stats.recorded(), stats.persisted() + stats.dropped(), "every span is accounted for");
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, true), "sa", "");
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM spans")) {
      rs.next();
      assertEquals(stats.persisted(), rs.getLong(1), "the database reopens and holds every persisted span");
    }
    assertTrue(interruptsSeen.get() > 0, "the test really interrupted the threads");
  }

  @Test
  void aMillionSpansFlowThroughABoundedQueue() throws Exception {
    AtomicLong written = new AtomicLong();
    int capacity = 1024;
    Tracewright.init(
        TraceConfig.builder()
            .store(batch -> written.addAndGet(batch.spans().size()))
            .queueCapacity(capacity)
            .overflowPolicy(OverflowPolicy.BLOCK)
            .build());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong maxQueued = new AtomicLong();
    Thread monitor =
        new Thread(
            () -> {
              while (running.get()) {
                maxQueued.accumulateAndGet(Tracewright.stats().queued(), Math::max);
                Thread.onSpinWait();
              }
            });
    monitor.start();
    int threads = 4;
    int perThread = 250_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> recordSpans(perThread)));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    assertTrue(Tracewright.flush(Duration.ofSeconds(60)));
    running.set(false);
    monitor.join();

    TraceStats stats = Tracewright.stats();
    assertEquals(1_000_000, stats.recorded());
    assertEquals(1_000_000, stats.persisted(), "nothing dropped under BLOCK");
    assertEquals(1_000_000, written.get());
    assertTrue(maxQueued.get() <= capacity, "queue never above its bound: " + maxQueued.get());
    assertTrue(maxQueued.get() > 0, "the monitor saw the queue in use");
  }
}
