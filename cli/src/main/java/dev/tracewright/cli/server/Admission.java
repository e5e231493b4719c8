package dev.tracewright.cli.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory requests may hold from their first byte read until they are written: a body, its
 * decoded request and its rows take a few times the body (see {@link IngestHandler#PROTOBUF_COST}),
 * reserved as the body is read. A request that would cross the budget is refused (429) before it
 * holds more, so a burst larger than the heap costs retries, never an OutOfMemoryError. A request
 * alone is always let through (the body limit bounds it), so a large one is never refused for ever.
 */
final class Admission {
  private final long budget;
  private final AtomicLong held = new AtomicLong();

  Admission(long budget) {
    this.budget = budget;
  }

  /** The default: half the heap. */
  static Admission ofHeap() {
    return new Admission(Runtime.getRuntime().maxMemory() / 2);
  }

  /**
   * Reserves {@code cost} bytes for each of {@code bodyBytes} more of a body that holds
   * {@code alreadyMine} bytes; false (nothing more reserved) when it does not fit beside the others.
   */
  boolean reserve(long bodyBytes, long alreadyMine, int cost) {
    long bytes = bodyBytes * cost;
    long now = held.addAndGet(bytes);
    if (now > budget && now != alreadyMine + bytes) {
      held.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  /** Gives back what a request reserved (memory bytes, as {@link #reserve} counted them). */
  void release(long bytes) {
    held.addAndGet(-bytes);
  }

  /** Memory held now, for tests. */
  long held() {
    return held.get();
  }
}
