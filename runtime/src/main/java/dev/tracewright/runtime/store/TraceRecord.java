package dev.tracewright.runtime.store;

import java.time.Instant;

/**
 * One row of {@code traces}: totals over the spans recorded in this process for the trace. Written
 * when the local root span ends and written again (replacing the row) if a span ends after it.
 * Before that, a trace whose spans are written while its root runs has an {@link #INCOMPLETE} row:
 * no end time, duration or totals (readers compute those from its spans).
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
    Double costUsd) {

  public static final String INCOMPLETE = "INCOMPLETE";

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
