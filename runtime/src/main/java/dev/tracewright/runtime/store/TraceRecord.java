package dev.tracewright.runtime.store;

import java.time.Instant;

/**
 * One row of {@code traces}: totals over the spans recorded in this process for the trace. Written
 * when the local root span ends and written again (replacing the row) if a span ends after it.
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

  public double durationMs() {
    return durationNanos / 1_000_000.0;
  }
}
