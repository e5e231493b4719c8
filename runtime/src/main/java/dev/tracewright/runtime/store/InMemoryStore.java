package dev.tracewright.runtime.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Keeps everything in lists, for tests that assert on what was recorded. Call
 * {@code Tracewright.flush()} before reading: recording is asynchronous.
 */
public final class InMemoryStore implements TraceStore {
  private final List<SpanRecord> spans = new ArrayList<>();
  private final List<EventRecord> events = new ArrayList<>();
  private final Map<String, TraceRecord> traces = new LinkedHashMap<>();
  private final Map<String, BlobRecord> blobs = new LinkedHashMap<>();

  @Override
  public synchronized void write(WriteBatch batch) {
    spans.addAll(batch.spans());
    events.addAll(batch.events());
    for (TraceRecord trace : batch.traces()) {
      traces.put(trace.traceId(), trace); // a later summary of the same trace replaces the earlier
    }
    for (BlobRecord blob : batch.blobs()) {
      blobs.putIfAbsent(blob.hash(), blob);
    }
  }

  /** Spans in the order they ended. */
  public synchronized List<SpanRecord> spans() {
    return List.copyOf(spans);
  }

  public synchronized List<EventRecord> events() {
    return List.copyOf(events);
  }

  public synchronized List<TraceRecord> traces() {
    return List.copyOf(traces.values());
  }

  public synchronized Map<String, BlobRecord> blobs() {
    return Map.copyOf(blobs);
  }

  /** The one span with this name; fails if there is none or more than one. */
  public synchronized SpanRecord span(String name) {
    List<SpanRecord> named = spans.stream().filter(s -> s.name().equals(name)).toList();
    if (named.size() != 1) {
      throw new NoSuchElementException(
          "expected one span named '" + name + "' but found " + named.size() + " in " + names());
    }
    return named.get(0);
  }

  /** Direct children of a span, by start time. */
  public synchronized List<SpanRecord> children(SpanRecord parent) {
    return spans.stream()
        .filter(s -> parent.spanId().equals(s.parentSpanId()))
        .sorted(Comparator.comparing(SpanRecord::startTime))
        .toList();
  }

  /** Events of a span, by sequence number. */
  public synchronized List<EventRecord> events(SpanRecord span) {
    return events.stream()
        .filter(e -> e.spanId().equals(span.spanId()))
        .sorted(Comparator.comparingInt(EventRecord::seq))
        .toList();
  }

  public synchronized Optional<TraceRecord> trace(String traceId) {
    return Optional.ofNullable(traces.get(traceId));
  }

  public synchronized List<String> names() {
    return spans.stream().map(SpanRecord::name).toList();
  }

  public synchronized void clear() {
    spans.clear();
    events.clear();
    traces.clear();
    blobs.clear();
  }

  @Override
  public String toString() {
    return "InMemoryStore";
  }
}
