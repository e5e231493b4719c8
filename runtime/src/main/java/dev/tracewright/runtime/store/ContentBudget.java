package dev.tracewright.runtime.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes of captured content waiting to be written, at most a limit. Spans are bounded by count in
 * the queue; this bounds what they carry, so a burst of megabyte prompts costs at most the limit.
 * Content that does not fit is dropped (the span keeps its metadata and a marker) and counted.
 */
public final class ContentBudget {
  private static final long MAX_DEFAULT = 64L * 1024 * 1024;

  private final long limit;
  private final AtomicLong reserved = new AtomicLong();
  private final LongAdder dropped = new LongAdder();

  public ContentBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("content budget must be positive: " + limit);
    }
    this.limit = limit;
  }

  /**
   * min(64 MiB, max heap / 16): writing a batch briefly needs a few times the content it holds
   * (decoding, redaction, the stored copy), so a sixteenth keeps that well inside any heap, and
   * 64 MiB is more than the writer can use in one go anyway.
   */
  public static long defaultLimit() {
    return Math.max(1, Math.min(MAX_DEFAULT, Runtime.getRuntime().maxMemory() / 16));
  }

  /** Takes {@code bytes} from the budget, or nothing and returns false if they do not fit. */
  public boolean tryReserve(long bytes) {
    long now;
    do {
      now = reserved.get();
      if (now + bytes > limit) {
        return false;
      }
    } while (!reserved.compareAndSet(now, now + bytes));
    return true;
  }

  public void release(long bytes) {
    if (bytes != 0) {
      reserved.addAndGet(-bytes);
    }
  }

  /** One span's content was dropped (over budget, or memory ran out while handling it). */
  public void countDropped() {
    dropped.increment();
  }

  public long dropped() {
    return dropped.sum();
  }

  public long reservedBytes() {
    return reserved.get();
  }

  public long limit() {
    return limit;
  }
}
