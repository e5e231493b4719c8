package dev.tracewright.runtime;

/**
 * Counters since {@code init}. Every finished span is exactly one of: persisted, dropped (queue
 * full), failed (the store threw, or could not confirm it durable), sampled out, queued, or
 * unsynced.
 *
 * @param recorded spans that finished and were handed to the writer
 * @param persisted spans the store confirmed durable (written, then synced to disk)
 * @param failed spans the store could not take after retrying, or could not sync
 * @param queued spans waiting for the writer
 * @param internalErrors failures inside Tracewright that were contained (capture, pricing, ...)
 * @param contentDropped spans kept without their captured content: over the queued-content
 *     budget, or memory ran out while capturing or writing it
 * @param unsynced spans written to the store but not yet confirmed durable
 * @param lastError the store's most recent failure (type and message), or null if it never failed
 */
public record TraceStats(
    long recorded,
    long persisted,
    long dropped,
    long failed,
    long sampledOut,
    int queued,
    long internalErrors,
    long contentDropped,
    long unsynced,
    String lastError) {

  static final TraceStats EMPTY = new TraceStats(0, 0, 0, 0, 0, 0, 0, 0, 0, null);
}
