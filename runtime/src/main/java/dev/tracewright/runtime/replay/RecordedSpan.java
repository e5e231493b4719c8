package dev.tracewright.runtime.replay;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One recorded span, from the database or a JSONL export. Attribute values are text (numbers and
 * booleans in their JSON form).
 *
 * @param parentSpanId null for a root (or a span whose parent is in another process)
 * @param codeNamespace the traced class, with {@code codeFunction} the call site replay matches on
 * @param inputTokens null when unknown
 * @param costUsd null when unknown
 * @param capturePolicy the effective policy the span was captured under
 * @param events the span's events by sequence
 */
public record RecordedSpan(
    String spanId,
    String parentSpanId,
    String name,
    SpanKind kind,
    String status,
    Instant startTime,
    Instant endTime,
    double durationMs,
    String codeNamespace,
    String codeFunction,
    String model,
    Long inputTokens,
    Long outputTokens,
    Double costUsd,
    String errorType,
    String errorMessage,
    Map<String, String> attributes,
    RecordedContent input,
    RecordedContent output,
    CapturePolicy capturePolicy,
    List<RecordedEvent> events) {

  public static final String OK = "OK";
  public static final String ERROR = "ERROR";

  public RecordedSpan {
    attributes = attributes == null || attributes.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    input = input == null ? RecordedContent.NONE : input;
    output = output == null ? RecordedContent.NONE : output;
    events = events == null ? List.of() : List.copyOf(events);
  }

  public boolean isError() {
    return ERROR.equals(status);
  }

  /** Input plus output tokens, 0 when unknown. */
  public long totalTokens() {
    return (inputTokens == null ? 0 : inputTokens) + (outputTokens == null ? 0 : outputTokens);
  }
}
