package dev.tracewright.runtime.store;

import java.util.List;

/** What the writer thread hands a store in one transaction. */
public record WriteBatch(
    List<SpanRecord> spans,
    List<EventRecord> events,
    List<TraceRecord> traces,
    List<BlobRecord> blobs) {

  public WriteBatch {
    spans = List.copyOf(spans);
    events = List.copyOf(events);
    traces = List.copyOf(traces);
    blobs = List.copyOf(blobs);
  }

  public boolean isEmpty() {
    return spans.isEmpty() && events.isEmpty() && traces.isEmpty() && blobs.isEmpty();
  }
}
