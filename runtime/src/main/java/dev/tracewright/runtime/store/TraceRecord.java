package dev.tracewright.runtime.store;

import java.time.Instant;

/**
 * One row of {@code traces}: totals over the spans recorded in this process for the trace. Written
 * when the local root span ends and written again (replacing the row) if a span ends after it.
 * Before that, a trace whose spans are written while its root runs has an {@link #INCOMPLETE} row:
 * no end time, duration or totals (readers compute those from its spans).
 *
 * <p>{@code costUsd} sums the spans that have a cost (null: none has); {@code unpricedCalls}
 * counts spans that reported tokens but have no cost (a model the pricing table did not know),
 * so a total with some unknown costs reads as partial. The runtime writes 0; readers fill it in.
 *
 * <p>{@code droppedSpans} counts the trace's spans that ended but were dropped because the queue
 * was full (overflow policy DROP): they are in {@code spanCount} but not in the database.
 */
public record TraceRecord(
    String traceId,
    String name,
    String serviceName,
    Instant startTime,
    Instant endTime,
    long durationNanos,
    String status,
    String rootSpanId,
    int spanCount,
    int errorCount,
    long inputTokens,
    long outputTokens,
    Double costUsd,
    int unpricedCalls,
    int droppedSpans) {

  public static final String INCOMPLETE = "INCOMPLETE";

  public TraceRecord(
      String traceId, String name, String serviceName, Instant startTime, Instant endTime, long durationNanos, String status,
      String rootSpanId, int spanCount, int errorCount, long inputTokens, long outputTokens, Double costUsd) {
    this(traceId, name, serviceName, startTime, endTime, durationNanos, status, rootSpanId, spanCount, errorCount, inputTokens,
        outputTokens, costUsd, 0, 0);
  }

  /** This trace with another cost and count of calls without one. */
  public TraceRecord withCost(Double usd, int unpriced) {
    return new TraceRecord(traceId, name, serviceName, startTime, endTime, durationNanos, status, rootSpanId, spanCount, errorCount,
        inputTokens, outputTokens, usd, unpriced, droppedSpans);
  }

  /** This trace with a count of spans the queue dropped. */
  public TraceRecord withDroppedSpans(int dropped) {
    return new TraceRecord(traceId, name, serviceName, startTime, endTime, durationNanos, status, rootSpanId, spanCount, errorCount,
        inputTokens, outputTokens, costUsd, unpricedCalls, dropped);
  }

  /** The row of a trace whose root has not ended: still running, or the process stopped. */
  public static TraceRecord incomplete(String traceId, String name, String serviceName, Instant startTime, String rootSpanId) {
    return new TraceRecord(traceId, name, serviceName, startTime, null, -1, INCOMPLETE, rootSpanId, 0, 0, 0, 0, null);
  }

  public boolean isIncomplete() {
    return INCOMPLETE.equals(status);
  }

  public double durationMs() {
    return durationNanos / 1_000_000.0;
  }
}
