package dev.tracewright.runtime.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.capture.ContentProcessor;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An OTLP {@code ExportTraceServiceRequest} in the protocol's JSON encoding: trace and span IDs as
 * lower-case hex (OTLP's deliberate deviation from protobuf's base64 for bytes), enums as integers,
 * 64-bit integers as strings.
 */
public final class OtlpJson {
  static final ObjectMapper JSON = new ObjectMapper();
  public static final String SCOPE = "dev.tracewright";
  private static final int SPAN_KIND_INTERNAL = 1;
  private static final int SPAN_KIND_CLIENT = 3;
  private static final int STATUS_ERROR = 2;

  private OtlpJson() {}

  public static ObjectNode request(List<ExportBatch> batches) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode resourceSpans = root.putArray("resourceSpans");
    for (ExportBatch b : batches) {
      ObjectNode rs = resourceSpans.addObject();
      ArrayNode resourceAttributes = rs.putObject("resource").putArray("attributes");
      attribute(resourceAttributes, "service.name", b.serviceName());
      attribute(resourceAttributes, "telemetry.sdk.name", "tracewright");
      attribute(resourceAttributes, "telemetry.sdk.language", "java");
      b.resourceAttributes().forEach((k, v) -> attribute(resourceAttributes, k, v));
      ObjectNode scopeSpans = rs.putArray("scopeSpans").addObject();
      scopeSpans.putObject("scope").put("name", SCOPE);
      ArrayNode spans = scopeSpans.putArray("spans");
      for (SpanRecord s : b.spans()) {
        spans.add(span(s, b.eventsBySpan().getOrDefault(s.spanId(), List.of()), b));
      }
    }
    return root;
  }

  public static ObjectNode request(ExportBatch batch) {
    return request(List.of(batch));
  }

  private static ObjectNode span(SpanRecord s, List<EventRecord> events, ExportBatch batch) {
    ObjectNode span = JSON.createObjectNode();
    span.put("traceId", s.traceId());
    span.put("spanId", s.spanId());
    if (s.parentSpanId() != null) {
      span.put("parentSpanId", s.parentSpanId());
    }
    span.put("name", SemanticConventions.spanName(s));
    span.put("kind", s.kind() == SpanKind.LLM ? SPAN_KIND_CLIENT : SPAN_KIND_INTERNAL);
    span.put("startTimeUnixNano", nanos(s.startTime()));
    span.put("endTimeUnixNano", nanos(s.endTime()));
    Content c = Content.of(s, batch);
    ArrayNode attributes = span.putArray("attributes");
    SemanticConventions.attributes(s, c.input, c.output, c.inputMime, c.outputMime, batch.conventions()).forEach((k, v) -> attribute(attributes, k, v));
    if (!events.isEmpty()) {
      ArrayNode eventArray = span.putArray("events");
      for (EventRecord e : events) {
        ObjectNode event = eventArray.addObject();
        event.put("timeUnixNano", nanos(e.time()));
        event.put("name", e.name());
        ArrayNode eventAttributes = event.putArray("attributes");
        e.attributes().forEach((k, v) -> attribute(eventAttributes, k, v));
      }
    }
    ObjectNode status = span.putObject("status");
    if (s.isError()) {
      status.put("code", STATUS_ERROR);
      if (s.errorMessage() != null) {
        status.put("message", s.errorMessage());
      }
    }
    return span;
  }

  /** Content that may leave the machine: only FULL_EXPORTABLE spans, and only as stored (redacted). */
  record Content(String input, String output, String inputMime, String outputMime) {
    static Content of(SpanRecord s, ExportBatch batch) {
      if (s.capturePolicy() != CapturePolicy.FULL_EXPORTABLE) {
        return new Content(null, null, null, null);
      }
      String in = s.inputRef() == null ? s.inputPreview() : batch.content().apply(s.inputRef());
      String out = s.outputRef() == null ? s.outputPreview() : batch.content().apply(s.outputRef());
      return new Content(in, out, mime(in), mime(out));
    }

    private static String mime(String text) {
      return text != null && text.contains("[truncated at ") ? ContentProcessor.MEDIA_TEXT : ContentProcessor.MEDIA_JSON;
    }
  }

  static String nanos(Instant t) {
    return String.valueOf(t.getEpochSecond() * 1_000_000_000L + t.getNano());
  }

  static void attribute(ArrayNode attributes, String key, Object value) {
    if (value == null) {
      return;
    }
    ObjectNode a = attributes.addObject();
    a.put("key", key);
    value(a.putObject("value"), value);
  }

  /** An OTLP AnyValue; a list (a root span's {@code tag.tags}) as an array of its elements. */
  private static void value(ObjectNode v, Object value) {
    if (value instanceof java.util.List<?> list) {
      ArrayNode values = v.putObject("arrayValue").putArray("values");
      for (Object element : list) {
        if (element != null) {
          value(values.addObject(), element);
        }
      }
    } else if (value instanceof Boolean b) {
      v.put("boolValue", b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      v.put("intValue", String.valueOf(value));
    } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      v.put("doubleValue", ((Number) value).doubleValue());
    } else {
      v.put("stringValue", String.valueOf(value));
    }
  }
}
