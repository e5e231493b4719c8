package dev.tracewright.cli.ui;

import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The API's JSON shapes: stable names for the read model's records (times as ISO-8601 UTC, durations in ms). */
final class ApiViews {
  private ApiViews() {}

  /**
   * A trace in the list and at the top of a trace: {@code running} while its root has not ended;
   * {@code droppedSpans} of its {@code spanCount} were dropped by the recording queue (not stored);
   * {@code replayOf} is set in the list for a run that replayed a recorded trace.
   */
  record TraceView(
      String traceId, String name, String service, String status, boolean running, String startTime, String endTime,
      double durationMs, int spanCount, int errorCount, long inputTokens, long outputTokens, Double costUsd, int unpricedCalls,
      int droppedSpans, String replayOf, String inputPreview, String outputPreview) {

    static TraceView of(TraceRecord t) {
      return of(t, null, null);
    }

    /**
     * With {@code replayOf}: the recorded trace this run replayed (its root's tracewright.replay_of),
     * or null; {@code previews}: the root span's input and output previews as stored, or null.
     */
    static TraceView of(TraceRecord t, String replayOf, List<String> previews) {
      return new TraceView(t.traceId(), t.name(), t.serviceName(), t.status(), t.isIncomplete(), iso(t.startTime()), iso(t.endTime()),
          t.durationMs(), t.spanCount(), t.errorCount(), t.inputTokens(), t.outputTokens(), t.costUsd(), t.unpricedCalls(),
          t.droppedSpans(), replayOf, previews == null ? null : previews.get(0), previews == null ? null : previews.get(1));
    }
  }

  /** A span with its previews (already redacted when recorded) and the hashes of its full content. */
  record SpanView(
      String spanId, String parentSpanId, String name, String kind, String status, String startTime, String endTime,
      double durationMs, String codeNamespace, String codeFunction, String thread, String model, String provider,
      Long inputTokens, Long outputTokens, Double costUsd, boolean costUnknown, String inputPreview, String outputPreview, String inputRef,
      String outputRef, String errorType, String errorMessage, Map<String, Object> attributes, String capturePolicy) {

    static SpanView of(SpanRecord s) {
      return new SpanView(s.spanId(), s.parentSpanId(), s.name(), s.kind().name(), s.status(), iso(s.startTime()), iso(s.endTime()),
          s.durationMs(), s.codeNamespace(), s.codeFunction(), s.threadName(), s.model(), s.provider(), s.inputTokens(),
          s.outputTokens(), s.costUsd(), dev.tracewright.cli.LateCost.lacksCost(s), s.inputPreview(), s.outputPreview(), s.inputRef(), s.outputRef(), s.errorType(),
          s.errorMessage(), s.attributes(), s.capturePolicy().name());
    }
  }

  record EventView(String spanId, int seq, String time, String name, Map<String, Object> attributes) {
    static EventView of(EventRecord e) {
      return new EventView(e.spanId(), e.seq(), iso(e.time()), e.name(), e.attributes());
    }
  }

  static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
