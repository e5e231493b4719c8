package dev.tracewright.cli.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory requests may hold from their first byte read until they are written: a body, its
 * decoded request and its rows take about {@link #BYTES_PER_BODY_BYTE} times the body, reserved as
 * the body is read. A request that would cross the budget is refused (429) before it holds more, so
 * a burst larger than the heap costs retries, never an OutOfMemoryError.
 */
final class Admission {
  static final int BYTES_PER_BODY_BYTE = 4;

  private final long budget;
  private final AtomicLong held = new AtomicLong();

  Admission(long budget) {
    this.budget = budget;
  }

  /** The default: half the heap. */
  static Admission ofHeap() {
    return new Admission(Runtime.getRuntime().maxMemory() / 2);
  }

  /** Reserves room for {@code bodyBytes} more of a body; false (nothing reserved) when it does not fit. */
  boolean reserve(long bodyBytes) {
    long bytes = bodyBytes * BYTES_PER_BODY_BYTE;
    long now = held.addAndGet(bytes);
    if (now > budget && now != bytes) { // one request alone is always let through: the body limit bounds it
      held.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  void release(long bodyBytes) {
    held.addAndGet(-bodyBytes * BYTES_PER_BODY_BYTE);
  }

  /** Memory held now, for tests. */
  long held() {
    return held.get();
  }
}
