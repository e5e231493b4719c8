package dev.tracewright.runtime;

import java.time.Instant;

/**
 * Wall-clock nanoseconds without allocating: an {@link Instant} taken once, advanced by
 * {@link System#nanoTime()}. Durations come from nanoTime alone, so they never go negative.
 */
final class Clock {
  private static final long BASE_NANO_TIME = System.nanoTime();
  private static final long BASE_EPOCH_NANOS;

  static {
    Instant now = Instant.now();
    BASE_EPOCH_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private Clock() {}

  static long epochNanos(long nanoTime) {
    return BASE_EPOCH_NANOS + (nanoTime - BASE_NANO_TIME);
  }

  static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }
}
