package dev.tracewright.runtime;

/**
 * Counters since {@code init}. Every finished span is exactly one of: persisted, dropped (queue
 * full), failed (the store threw), sampled out, or still queued.
 *
 * @param recorded spans that finished and were handed to the writer
 * @param internalErrors failures inside Tracewright that were contained (capture, pricing, ...)
 */
public record TraceStats(
    long recorded,
    long persisted,
    long dropped,
    long failed,
    long sampledOut,
    int queued,
    long internalErrors) {

  static final TraceStats EMPTY = new TraceStats(0, 0, 0, 0, 0, 0, 0);
}
