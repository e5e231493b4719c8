package dev.tracewright.runtime.export;

import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.function.Function;

/**
 * Spans to export with what describes them: the resource (service) they came from, their events,
 * a lookup from a blob hash to the stored (already redacted) content, and the GenAI conventions
 * version to name attributes in.
 */
public record ExportBatch(
    String serviceName,
    Map<String, String> resourceAttributes,
    List<SpanRecord> spans,
    Map<String, List<EventRecord>> eventsBySpan,
    Function<String, String> content,
    GenAiConventions conventions) {

  public ExportBatch {
    Objects.requireNonNull(conventions, "conventions");
    resourceAttributes = Map.copyOf(resourceAttributes);
    spans = List.copyOf(spans);
    eventsBySpan = Map.copyOf(eventsBySpan);
  }

  /** A batch in the conventions the system property or environment selects ({@link GenAiConventions#configured()}). */
  public ExportBatch(
      String serviceName,
      Map<String, String> resourceAttributes,
      List<SpanRecord> spans,
      Map<String, List<EventRecord>> eventsBySpan,
      Function<String, String> content) {
    this(serviceName, resourceAttributes, spans, eventsBySpan, content, GenAiConventions.configured());
  }

  /** Batches from one runtime (same service and resource) as one. */
  public static ExportBatch merge(List<ExportBatch> batches) {
    if (batches.size() == 1) {
      return batches.get(0);
    }
    ExportBatch first = batches.get(0);
    List<SpanRecord> spans = new ArrayList<>();
    Map<String, List<EventRecord>> events = new HashMap<>();
    for (ExportBatch b : batches) {
      spans.addAll(b.spans());
      events.putAll(b.eventsBySpan());
    }
    List<Function<String, String>> lookups = batches.stream().map(ExportBatch::content).toList();
    Function<String, String> content = hash -> lookups.stream().map(l -> l.apply(hash)).filter(Objects::nonNull).findFirst().orElse(null);
    return new ExportBatch(first.serviceName(), first.resourceAttributes(), spans, events, content, first.conventions());
  }
}
