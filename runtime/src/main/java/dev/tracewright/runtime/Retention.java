package dev.tracewright.runtime;

import dev.tracewright.runtime.store.TracePruner;
import dev.tracewright.runtime.store.TraceStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Applies {@code TraceConfig.retention} on the writer thread, after a batch is stored: one small
 * transaction at a time, so writing is never held up for long, and back-to-back while an old
 * backlog remains. A failure is logged once per episode and never fails the batch that triggered it.
 */
final class Retention {
  static final int TRACES_PER_RUN = 200;
  private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final System.Logger LOG = System.getLogger("dev.tracewright");

  private final Duration maxAge;
  private final TraceStore store;
  private long nextRunNanos = System.nanoTime(); // writer thread only
  private boolean failing;

  Retention(Duration maxAge, TraceStore store) {
    this.maxAge = maxAge;
    this.store = store;
  }

  void afterWrite() {
    long now = System.nanoTime();
    if (now - nextRunNanos < 0) {
      return;
    }
    try {
      TracePruner.Removed removed = store.prune(Instant.now().minus(maxAge), TRACES_PER_RUN);
      nextRunNanos = removed.traces() == TRACES_PER_RUN ? now : now + INTERVAL_NANOS;
      failing = false;
    } catch (Exception | StackOverflowError e) {
      nextRunNanos = now + INTERVAL_NANOS;
      if (!failing) {
        failing = true;
        LOG.log(Level.WARNING, "Tracewright retention could not delete old traces from " + store + " (" + e.getClass().getName()
            + "); recording goes on and it tries again in a minute");
      }
    }
  }
}
