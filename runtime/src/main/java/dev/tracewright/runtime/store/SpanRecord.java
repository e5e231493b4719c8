package dev.tracewright.runtime.store;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import java.time.Instant;
import java.util.Map;

/**
 * A finished span as stored: one row of the {@code spans} table. Built on the writer thread, so
 * previews are already redacted and truncated and content lives in blobs referenced by hash.
 *
 * @param parentSpanId null for a root span
 * @param inputTokens null when unknown
 * @param costUsd null when unknown
 * @param attributes user and Tracewright attributes; values are strings, numbers or booleans (a root span's
 *     {@code tag.tags}: a list of strings)
 * @param capturePolicy the effective policy: exporters include content only for FULL_EXPORTABLE
 */
public record SpanRecord(
    String spanId,
    String traceId,
    String parentSpanId,
    String name,
    SpanKind kind,
    String status,
    Instant startTime,
    Instant endTime,
    long durationNanos,
    String codeNamespace,
    String codeFunction,
    String threadName,
    String model,
    String provider,
    Long inputTokens,
    Long outputTokens,
    Double costUsd,
    String inputPreview,
    String outputPreview,
    String inputRef,
    String outputRef,
    String errorType,
    String errorMessage,
    Map<String, Object> attributes,
    CapturePolicy capturePolicy) {

  public static final String OK = "OK";
  public static final String ERROR = "ERROR";

  public double durationMs() {
    return durationNanos / 1_000_000.0;
  }

  public boolean isError() {
    return ERROR.equals(status);
  }
}
