package dev.tracewright.runtime;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.capture.ContentProcessor;
import dev.tracewright.runtime.context.Ids;
import dev.tracewright.runtime.store.BlobRecord;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceLabels;
import dev.tracewright.runtime.store.TraceRecord;
import dev.tracewright.runtime.store.WriteBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writer-thread half of recording: turns ended live spans into stored records. Redaction, previews,
 * hashing, hex IDs and timestamps all happen here, off the application's threads. Every string
 * that came from the application goes through the redactor: content, but also span, trace and
 * event names, attribute keys and values (numbers too), model, provider, thread name and the
 * error's type and message. Names repeat, so they are redacted once through a cache.
 */
final class SpanConverter {
  private final ContentProcessor content;

  SpanConverter(ContentProcessor content) {
    this.content = content;
  }

  /**
   * @param owed traces that lost a span to the full queue after their root ended: each gets its
   *     final row again, with the dropped count, if the writer announced it already (else the row
   *     comes with the first of its spans the writer sees, or the trace was dropped whole)
   */
  WriteBatch convert(List<LiveSpan> ended, List<RootSpan> owed) {
    List<SpanRecord> spans = new ArrayList<>(ended.size());
    List<EventRecord> events = new ArrayList<>();
    List<TraceRecord> traces = new ArrayList<>();
    List<BlobRecord> blobs = new ArrayList<>();
    List<TraceRecord> started = new ArrayList<>();
    for (LiveSpan span : ended) {
      if (span.writesTrace) {
        span.root.announced = true; // its row is in this batch: no INCOMPLETE row first
      }
    }
    for (LiveSpan span : ended) {
      spans.add(toRecord(span, blobs));
      addEvents(span, events);
      if (span.writesTrace) {
        traces.add(traceRecord(span.root, span.root.totals()));
      } else if (!span.root.announced) {
        span.root.announced = true;
        if (span.root.hasEnded()) { // its end may have been dropped: the trace is not running
          traces.add(traceRecord(span.root, span.root.totals()));
        } else {
          started.add(startedTrace(span.root));
        }
      }
    }
    for (RootSpan r : owed) {
      r.rowWritten(); // before the totals are read: a drop after this owes another row
      if (r.announced) {
        traces.add(traceRecord(r, r.totals()));
      }
    }
    return new WriteBatch(spans, events, traces, blobs, started);
  }

  private TraceRecord startedTrace(RootSpan r) {
    return TraceRecord.incomplete(
        Ids.hex(r.traceIdHigh, r.traceIdLow), content.redactName(r.site.name), r.recorder.config.serviceName(), Clock.instant(r.startEpochNanos()), Ids.hex(r.spanId));
  }

  /** The {@code traces} row: built here, on the writer thread, from totals the span carried. */
  private TraceRecord traceRecord(RootSpan r, RootSpan.Totals t) {
    return new TraceRecord(
        Ids.hex(r.traceIdHigh, r.traceIdLow),
        content.redactName(r.site.name),
        r.recorder.config.serviceName(),
        Clock.instant(r.startEpochNanos()),
        Clock.instant(r.startEpochNanos() + r.durationNanos()),
        r.durationNanos(),
        r.isError() ? SpanRecord.ERROR : SpanRecord.OK,
        Ids.hex(r.spanId),
        t.spanCount(),
        t.errorCount(),
        t.inputTokens(),
        t.outputTokens(),
        t.hasCost() ? t.costUsd() : null,
        0,
        r.droppedSpans());
  }

  private SpanRecord toRecord(LiveSpan s, List<BlobRecord> blobs) {
    boolean keepBlob = s.policy == CapturePolicy.FULL_LOCAL || s.policy == CapturePolicy.FULL_EXPORTABLE;
    ContentProcessor.Processed in = content.process(s.input, keepBlob);
    ContentProcessor.Processed out = content.process(s.output, keepBlob);
    if (in != null && in.blob() != null) {
      blobs.add(in.blob());
    }
    if (out != null && out.blob() != null) {
      blobs.add(out.blob());
    }
    return new SpanRecord(
        Ids.hex(s.spanId),
        Ids.hex(s.root.traceIdHigh, s.root.traceIdLow),
        s.parentSpanId == 0 ? null : Ids.hex(s.parentSpanId),
        content.redactName(s.site.name),
        s.site.kind,
        s.isError() ? SpanRecord.ERROR : SpanRecord.OK,
        Clock.instant(s.startEpochNanos()),
        Clock.instant(s.startEpochNanos() + s.durationNanos()),
        s.durationNanos(),
        content.redactName(s.site.codeNamespace),
        content.redactName(s.site.codeFunction),
        content.redactName(s.threadName),
        content.redactName(s.model),
        content.redactName(s.provider),
        s.inputTokens() < 0 ? null : s.inputTokens(),
        s.outputTokens() < 0 ? null : s.outputTokens(),
        Double.isNaN(s.costUsd()) ? null : s.costUsd(),
        in == null ? null : in.preview(),
        out == null ? null : out.preview(),
        in == null ? null : in.ref(),
        out == null ? null : out.ref(),
        content.redactName(s.errorType),
        content.redact(s.errorMessage),
        spanAttributes(s),
        s.policy);
  }

  private void addEvents(LiveSpan s, List<EventRecord> events) {
    if (s.events == null) {
      return;
    }
    String spanId = Ids.hex(s.spanId);
    int seq = 0;
    for (LiveSpan.Event e : s.events) {
      events.add(new EventRecord(spanId, seq++, Clock.instant(e.epochNanos()), content.redactName(e.name()), attributes(Map.of(), e.attributes())));
    }
  }

  /**
   * The span's attributes, with the GenAI ones its kind carries filled in ({@link GenAiAttributes}),
   * and on the trace's root its session, user and tags ({@link TraceLabels}).
   */
  private Map<String, Object> spanAttributes(LiveSpan s) {
    Map<String, Object> attributes = attributes(s.site.attributes, s.attributes);
    boolean genAi = GenAiAttributes.operation(s.site.kind) != null;
    RootSpan root = s == s.root ? s.root : null;
    List<String> tags = root == null ? List.of() : root.tags();
    boolean labelled = root != null && (root.session != null || root.user != null || root.conversation != null || !tags.isEmpty());
    if (!genAi && !labelled) {
      return attributes;
    }
    // attributes() builds a new map whenever there is any attribute: filled in place, not copied.
    Map<String, Object> complete = attributes.isEmpty() ? new LinkedHashMap<>() : attributes;
    if (genAi) {
      GenAiAttributes.complete(s.site.kind, content.redactName(s.site.name), complete);
      String conversation = s.root.conversation;
      if (conversation != null) {
        complete.putIfAbsent(GenAiAttributes.CONVERSATION_ID, content.redactName(conversation));
      }
    }
    if (labelled) {
      addLabels(root, tags, complete);
    }
    return complete;
  }

  /**
   * The root's session (else its conversation: that is the session the list filters by), user and
   * tags, redacted like names. Given through Tracewright, they win over attributes of those names.
   */
  private void addLabels(RootSpan root, List<String> tags, Map<String, Object> attributes) {
    String session = root.session;
    if (session != null) {
      attributes.put(TraceLabels.SESSION_ID, content.redactName(session));
    } else {
      String conversation = TraceLabels.clean(root.conversation);
      if (conversation != null) {
        attributes.putIfAbsent(TraceLabels.SESSION_ID, content.redactName(conversation));
      }
    }
    String user = root.user;
    if (user != null) {
      attributes.put(TraceLabels.USER_ID, content.redactName(user));
    }
    if (!tags.isEmpty()) {
      List<String> clean = new ArrayList<>(tags.size());
      for (String tag : tags) {
        String redacted = content.redactName(tag);
        if (redacted != null && !clean.contains(redacted)) { // two tags may redact alike
          clean.add(redacted);
        }
      }
      attributes.put(TraceLabels.TAGS, clean);
    }
  }

  /**
   * The site's attributes, then the call's (which win), keys and values redacted. Booleans are
   * kept; numbers stay numbers unless redaction changes them; anything else becomes text.
   */
  private Map<String, Object> attributes(Map<String, String> fromSite, Map<String, Object> raw) {
    if ((raw == null || raw.isEmpty()) && fromSite.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> clean = new LinkedHashMap<>();
    // The site's are compile-time constants: cached like names.
    fromSite.forEach((k, v) -> clean.put(content.redactName(k), content.redactConstantAttribute(k, v)));
    if (raw != null) {
      raw.forEach((k, v) -> clean.put(content.redactName(k), content.redactAttribute(k, v)));
    }
    return clean;
  }
}
