package dev.tracewright.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.TraceStats;
import dev.tracewright.runtime.Tracewright;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC §8: flush() is honest about losses, persisted means synced, and the writer outlives anything. */
@Timeout(120)
class StoreFailureTest {
  // Held strongly: JUL keeps loggers weakly, and a collected one would take the handler with it.
  private final Logger log = Logger.getLogger("dev.tracewright");

  @AfterEach
  void stop() {
    Tracewright.shutdown(Duration.ofSeconds(2));
  }

  private static void recordSpans(int count) {
    for (int i = 0; i < count; i++) {
      Tracewright.span("s", SpanKind.TOOL).start().close();
    }
  }

  @Test
  void spansWrittenButNeverSyncedAreNotPersistedAndFlushSaysSo() {
    AtomicBoolean syncBroken = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    TraceStore store =
        new TraceStore() {
          @Override
          public void write(WriteBatch batch) {
            written.addAndGet(batch.spans().size());
          }

          @Override
          public void sync() throws IOException {
            if (syncBroken.get()) {
              throw new IOException("No space left on device");
            }
          }
        };
    Tracewright.init(TraceConfig.builder().store(store).build());

    recordSpans(4);
    assertFalse(Tracewright.flush(Duration.ofSeconds(10)), "committed is not durable: the sync failed");
    TraceStats broken = Tracewright.stats();
    assertEquals(8, written.get(), "written once more after the failed sync, in case the commit died with it");
    assertEquals(0, broken.persisted(), "nothing reached the disk");
    assertEquals(4, broken.failed());
    assertTrue(broken.lastError().contains("No space left on device"), broken.toString());

    syncBroken.set(false);
    recordSpans(2);
    assertTrue(Tracewright.flush(Duration.ofSeconds(10)));
    assertEquals(2, Tracewright.stats().persisted());
    assertEquals(4, Tracewright.stats().failed());
  }

  @Test
  void aStoreFailingForLessThanTheRetryWindowLosesNothing() {
    AtomicLong attempts = new AtomicLong();
    AtomicLong written = new AtomicLong();
    TraceStore store =
        batch -> {
          if (attempts.incrementAndGet() <= 3) {
            throw new java.sql.SQLException("Database may be already in use: \"Locked by another process\"");
          }
          written.addAndGet(batch.spans().size());
        };
    Tracewright.init(TraceConfig.builder().store(store).storeRetryTimeout(Duration.ofSeconds(30)).build());

    recordSpans(7);
    assertTrue(Tracewright.flush(Duration.ofSeconds(30)), "the spans waited for the store");
    TraceStats stats = Tracewright.stats();
    assertEquals(7, stats.persisted());
    assertEquals(0, stats.failed());
    assertEquals(7, written.get());
    assertTrue(attempts.get() > 3);
  }

  private static java.util.Set<Thread> writerThreads() {
    java.util.Set<Thread> writers = new java.util.HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("tracewright-writer")) {
        writers.add(t);
      }
    }
    return writers;
  }

  /** A logging handler that throws: the writer's own failure handling fails, and its thread dies. */
  @Test
  void aWriterThreadThatDiesIsReplacedAndRecordingGoesOn() throws InterruptedException {
    AtomicBoolean broken = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    TraceStore store =
        batch -> {
          if (broken.get()) {
            throw new IllegalStateException("store down");
          }
          written.addAndGet(batch.spans().size());
        };
    Handler throwing =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                && Thread.currentThread().getName().startsWith("tracewright-writer")) {
              throw new LinkageError("a broken logging setup");
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.addHandler(throwing);
    try {
      java.util.Set<Thread> earlier = writerThreads();
      Tracewright.init(TraceConfig.builder().store(store).storeRetryTimeout(Duration.ZERO).build());
      java.util.Set<Thread> first = writerThreads();
      first.removeAll(earlier);
      recordSpans(3);
      assertFalse(Tracewright.flush(Duration.ofSeconds(10)));
      assertEquals(3, Tracewright.stats().failed());
      assertEquals(1, first.size());
      Thread dying = first.iterator().next();
      dying.join(10_000); // it ends right after releasing the flush
      assertFalse(dying.isAlive(), "the first writer thread died");

      broken.set(false);
      recordSpans(5);
      assertTrue(Tracewright.flush(Duration.ofSeconds(10)), "a new writer thread took over");
      assertEquals(5, Tracewright.stats().persisted());
      assertEquals(5, written.get());
      assertNotNull(Tracewright.stats().lastError());
    } finally {
      log.removeHandler(throwing);
    }
  }
}
