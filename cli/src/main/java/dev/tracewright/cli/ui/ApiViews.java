package dev.tracewright.cli.ui;

import dev.tracewright.cli.TraceDb;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceLabels;
import dev.tracewright.runtime.store.TraceRecord;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The API's JSON shapes: stable names for the read model's records (times as ISO-8601 UTC, durations in ms). */
final class ApiViews {
  private ApiViews() {}

  /**
   * A trace in the list and at the top of a trace: {@code running} while its root has not ended;
   * {@code droppedSpans} of its {@code spanCount} were dropped by the recording queue (not stored);
   * {@code replayOf} is set in the list for a run that replayed a recorded trace; {@code sessionId},
   * {@code userId} and {@code tags} (sorted) are what {@code Tracewright.session/user/tag} filed it
   * under (the session is the conversation ID when none was given), null and empty without.
   */
  record TraceView(
      String traceId, String name, String service, String status, boolean running, String startTime, String endTime,
      double durationMs, int spanCount, int errorCount, long inputTokens, long outputTokens, Double costUsd, int unpricedCalls,
      int droppedSpans, String replayOf, String sessionId, String userId, List<String> tags, String inputPreview, String outputPreview) {

    /** The trace with its session, user and tags read from {@code traces}. */
    static TraceView of(TraceDb traces, TraceRecord t) throws SQLException {
      return of(t, null, traces.labels(List.of(t.traceId())).get(t.traceId()), null);
    }

    /**
     * With {@code replayOf}: the recorded trace this run replayed (its root's tracewright.replay_of), or null;
     * {@code labels}: its session, user and tags, or null for none; {@code previews}: the root span's
     * input and output previews as stored, or null.
     */
    static TraceView of(TraceRecord t, String replayOf, TraceLabels labels, List<String> previews) {
      TraceLabels l = labels == null ? TraceLabels.NONE : labels;
      return new TraceView(t.traceId(), t.name(), t.serviceName(), t.status(), t.isIncomplete(), iso(t.startTime()), iso(t.endTime()),
          t.durationMs(), t.spanCount(), t.errorCount(), t.inputTokens(), t.outputTokens(), t.costUsd(), t.unpricedCalls(),
          t.droppedSpans(), replayOf, l.sessionId(), l.userId(), l.tags(), previews == null ? null : previews.get(0),
          previews == null ? null : previews.get(1));
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
