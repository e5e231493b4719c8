package dev.tracewright.runtime.store;

import java.util.List;

/**
 * What the writer thread hands a store in one transaction. {@code startedTraces} are traces seen for
 * the first time whose root has not ended yet: a store that keeps a {@code traces} row writes one for
 * them now (status {@link TraceRecord#INCOMPLETE}) unless the trace has a row already, so readers
 * find running and crashed traces without scanning spans.
 */
public record WriteBatch(
    List<SpanRecord> spans,
    List<EventRecord> events,
    List<TraceRecord> traces,
    List<BlobRecord> blobs,
    List<TraceRecord> startedTraces) {

  public WriteBatch {
    spans = List.copyOf(spans);
    events = List.copyOf(events);
    traces = List.copyOf(traces);
    blobs = List.copyOf(blobs);
    startedTraces = List.copyOf(startedTraces);
  }

  public WriteBatch(List<SpanRecord> spans, List<EventRecord> events, List<TraceRecord> traces, List<BlobRecord> blobs) {
    this(spans, events, traces, blobs, List.of());
  }

  public boolean isEmpty() {
    return spans.isEmpty() && events.isEmpty() && traces.isEmpty() && blobs.isEmpty() && startedTraces.isEmpty();
  }
}
