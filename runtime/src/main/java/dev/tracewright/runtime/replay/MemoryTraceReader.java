package dev.tracewright.runtime.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.runtime.store.BlobRecord;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Reads one trace from an {@link InMemoryStore}, as the database reader would from its rows. */
final class MemoryTraceReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LISTED = 10;

  private MemoryTraceReader() {}

  static RecordedTrace read(InMemoryStore store, String traceIdOrPrefix) {
    if (store == null) {
      throw new IllegalArgumentException("no store given");
    }
    if (traceIdOrPrefix == null) {
      throw new IllegalArgumentException("a trace ID or prefix is required");
    }
    String prefix = TracePrefix.normalize(traceIdOrPrefix);
    List<SpanRecord> all = store.spans();
    TreeSet<String> found = new TreeSet<>();
    for (SpanRecord s : all) {
      if (s.traceId().startsWith(prefix)) {
        found.add(s.traceId());
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no trace with ID starting '" + prefix + "' in the store");
    }
    if (found.size() > 1) {
      List<String> listed = found.stream().limit(LISTED).toList();
      throw new IllegalArgumentException("'" + prefix + "' matches " + found.size() + " traces (" + String.join(", ", listed)
          + (found.size() > LISTED ? ", ..." : "") + "); give more digits");
    }
    String traceId = found.first();
    Map<String, List<RecordedEvent>> events = new HashMap<>();
    for (EventRecord e : store.events()) {
      events.computeIfAbsent(e.spanId(), k -> new ArrayList<>()).add(new RecordedEvent(e.seq(), e.time(), e.name(), text(e.attributes())));
    }
    events.values().forEach(list -> list.sort(java.util.Comparator.comparingInt(RecordedEvent::seq)));
    Map<String, BlobRecord> blobs = store.blobs();
    List<RecordedSpan> spans = new ArrayList<>();
    SpanNumbers numbers = new SpanNumbers();
    for (SpanRecord s : all) {
      if (s.traceId().equals(traceId)) {
        RecordedSpan span = new RecordedSpan(s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.status(), s.startTime(), s.endTime(),
            s.durationMs(), s.codeNamespace(), s.codeFunction(), s.model(), s.inputTokens(), s.outputTokens(), s.costUsd(),
            s.errorType(), s.errorMessage(), text(s.attributes()), content(s.inputPreview(), s.inputRef(), blobs),
            content(s.outputPreview(), s.outputRef(), blobs), s.capturePolicy(), events.getOrDefault(s.spanId(), List.of()));
        numbers.check("trace " + traceId + ": ", span);
        spans.add(span);
      }
    }
    return RecordedTrace.of(traceId, spans);
  }

  private static RecordedContent content(String preview, String ref, Map<String, BlobRecord> blobs) {
    BlobRecord blob = ref == null ? null : blobs.get(ref);
    return RecordedContent.stored(preview, ref, blob == null ? null : new String(blob.content(), StandardCharsets.UTF_8));
  }

  /** Attribute values as the database reader gives them: their JSON text, strings unquoted. */
  private static Map<String, String> text(Map<String, Object> attributes) {
    return attributes == null || attributes.isEmpty() ? Map.of() : JsonlTraceReader.attributes(JSON.valueToTree(attributes));
  }
}
