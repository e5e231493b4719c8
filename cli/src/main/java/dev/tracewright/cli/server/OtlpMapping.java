package dev.tracewright.cli.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.capture.Captured;
import dev.tracewright.runtime.capture.ContentProcessor;
import dev.tracewright.runtime.capture.PricingTable;
import dev.tracewright.runtime.store.BlobRecord;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP spans into Tracewright's rows. Original trace, span and parent IDs are kept (hex). The
 * OpenTelemetry GenAI conventions, current and older names, and OpenInference's fill the columns:
 * kind ({@code gen_ai.operation.name}, {@code openinference.span.kind}), model, provider, tokens;
 * message and value attributes become the span's input and output content, redacted and stored as
 * blobs with a preview, as recorded content is; the cost comes from the pricing table when the span
 * carries tokens. Every other attribute is kept, redacted like a recorded one. A span with a broken
 * ID is rejected (counted for OTLP's partial success), the others of the request are kept.
 *
 * <p>One instance per ingest writer thread ({@link ContentProcessor} is not thread-safe).
 */
final class OtlpMapping {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one request became. */
  record Mapped(List<SpanRecord> spans, List<EventRecord> events, List<BlobRecord> blobs, Map<String, String> serviceByTrace,
      int rejected, String rejectedReason) {}

  private final ContentProcessor content;
  private final PricingTable pricing;

  OtlpMapping(ContentProcessor content, PricingTable pricing) {
    this.content = content;
    this.pricing = pricing;
  }

  Mapped map(ExportTraceServiceRequest request) {
    List<SpanRecord> spans = new ArrayList<>();
    List<EventRecord> events = new ArrayList<>();
    List<BlobRecord> blobs = new ArrayList<>();
    Map<String, String> services = new LinkedHashMap<>();
    int rejected = 0;
    String reason = null;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = null;
      for (KeyValue kv : rs.getResource().getAttributesList()) {
        if (kv.getKey().equals("service.name")) {
          service = content.redactName(kv.getValue().getStringValue());
        }
      }
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          String problem = problem(span);
          if (problem != null) {
            rejected++;
            reason = reason == null ? problem : reason;
            continue;
          }
          SpanRecord record = span(span, blobs, events);
          spans.add(record);
          if (service != null) {
            services.putIfAbsent(record.traceId(), service);
          }
        }
      }
    }
    return new Mapped(spans, events, blobs, services, rejected, reason);
  }

  private static String problem(Span span) {
    if (span.getTraceId().size() != 16 || span.getTraceId().equals(ZERO_TRACE)) {
      return "a span's trace ID is not 16 bytes (32 hex digits in JSON), or is all zero";
    }
    if (span.getSpanId().size() != 8 || span.getSpanId().equals(ZERO_SPAN)) {
      return "a span's ID is not 8 bytes (16 hex digits in JSON), or is all zero";
    }
    if (!span.getParentSpanId().isEmpty() && span.getParentSpanId().size() != 8) {
      return "a span's parent ID is not 8 bytes";
    }
    if (span.getEndTimeUnixNano() < span.getStartTimeUnixNano() || span.getStartTimeUnixNano() == 0) {
      return "a span has no start time or ends before it starts";
    }
    return null;
  }

  private static final com.google.protobuf.ByteString ZERO_TRACE = com.google.protobuf.ByteString.copyFrom(new byte[16]);
  private static final com.google.protobuf.ByteString ZERO_SPAN = com.google.protobuf.ByteString.copyFrom(new byte[8]);

  private SpanRecord span(Span span, List<BlobRecord> blobs, List<EventRecord> events) {
    Map<String, Object> raw = new LinkedHashMap<>();
    for (KeyValue kv : span.getAttributesList()) {
      raw.put(kv.getKey(), value(kv.getValue()));
    }
    String traceId = HexFormat.of().formatHex(span.getTraceId().toByteArray());
    String spanId = HexFormat.of().formatHex(span.getSpanId().toByteArray());
    String parent = span.getParentSpanId().isEmpty() ? null : HexFormat.of().formatHex(span.getParentSpanId().toByteArray());

    SpanKind kind = kind(raw);
    String model = text(raw, "gen_ai.response.model", "gen_ai.request.model", "llm.model_name");
    String provider = text(raw, "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system");
    Long in = number(raw, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt");
    Long out = number(raw, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion");
    Double cost = null;
    if (in != null || out != null) {
      double usd = pricing.cost(model, in == null ? 0 : in, out == null ? 0 : out);
      cost = Double.isNaN(usd) ? null : usd;
    }
    java.util.Set<String> used = new java.util.HashSet<>(); // the attributes stored as content, not again as attributes
    ContentProcessor.Processed input = content(inputOf(raw, used), blobs);
    ContentProcessor.Processed output = content(outputOf(raw, used), blobs);

    boolean failed = span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
    String errorType = failed ? text(raw, "error.type", "exception.type") : null;
    String errorMessage = failed && !span.getStatus().getMessage().isEmpty() ? content.redact(span.getStatus().getMessage()) : null;
    int seq = 0;
    for (Span.Event e : span.getEventsList()) {
      Map<String, Object> attributes = new LinkedHashMap<>();
      for (KeyValue kv : e.getAttributesList()) {
        attributes.put(content.redactName(kv.getKey()), clean(kv.getKey(), value(kv.getValue())));
        if (failed && e.getName().equals("exception")) {
          if (errorType == null && kv.getKey().equals("exception.type")) {
            errorType = kv.getValue().getStringValue();
          } else if (errorMessage == null && kv.getKey().equals("exception.message")) {
            errorMessage = content.redact(kv.getValue().getStringValue());
          }
        }
      }
      events.add(new EventRecord(spanId, seq++, instant(e.getTimeUnixNano()), content.redactName(e.getName()), attributes));
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    raw.forEach((k, v) -> {
      if (!used.contains(k)) {
        attributes.put(content.redactName(k), clean(k, v));
      }
    });
    long start = span.getStartTimeUnixNano();
    long end = span.getEndTimeUnixNano();
    return new SpanRecord(spanId, traceId, parent, content.redactName(span.getName().isEmpty() ? "(unnamed)" : span.getName()), kind,
        failed ? SpanRecord.ERROR : SpanRecord.OK, instant(start), instant(end), end - start,
        content.redactName(text(raw, "code.namespace")), content.redactName(text(raw, "code.function.name", "code.function")),
        content.redactName(text(raw, "thread.name")), content.redactName(model), content.redactName(provider), in, out, cost,
        input == null ? null : input.preview(), output == null ? null : output.preview(), input == null ? null : input.ref(),
        output == null ? null : output.ref(), content.redactName(errorType), errorMessage, attributes, CapturePolicy.FULL_LOCAL);
  }

  /** An attribute's value redacted as a recorded one is; an array stays an array (of redacted items), as OTLP sent it. */
  private Object clean(String key, Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(item -> clean(key, item)).toList();
    }
    return content.redactAttribute(key, value);
  }

  private static SpanKind kind(Map<String, Object> raw) {
    String operation = text(raw, "gen_ai.operation.name");
    if (operation != null) {
      switch (operation) {
        case "chat", "text_completion", "generate_content" -> {
          return SpanKind.LLM;
        }
        case "execute_tool" -> {
          return SpanKind.TOOL;
        }
        case "invoke_agent", "create_agent" -> {
          return SpanKind.AGENT;
        }
        case "embeddings" -> {
          return SpanKind.RETRIEVAL;
        }
        default -> { }
      }
    }
    String openInference = text(raw, "openinference.span.kind");
    if (openInference != null) {
      switch (openInference.toUpperCase(java.util.Locale.ROOT)) {
        case "LLM" -> {
          return SpanKind.LLM;
        }
        case "TOOL" -> {
          return SpanKind.TOOL;
        }
        case "AGENT" -> {
          return SpanKind.AGENT;
        }
        case "RETRIEVER", "EMBEDDING", "RERANKER" -> {
          return SpanKind.RETRIEVAL;
        }
        default -> { }
      }
    }
    return SpanKind.STEP;
  }

  /**
   * The input as Tracewright stores a model call's: {@code {"gen_ai.input.messages": [...]}}; else the
   * tool's arguments or OpenInference's value. The attributes it took go into {@code used}.
   */
  private static Object inputOf(Map<String, Object> raw, java.util.Set<String> used) {
    Object messages = raw.get("gen_ai.input.messages");
    if (messages != null) {
      Map<String, Object> in = new LinkedHashMap<>();
      Object system = raw.get("gen_ai.system_instructions");
      if (system != null) {
        in.put("gen_ai.system_instructions", json(system));
        used.add("gen_ai.system_instructions");
      }
      in.put("gen_ai.input.messages", json(messages));
      used.add("gen_ai.input.messages");
      return in;
    }
    return valueOf(raw, used, "gen_ai.tool.call.arguments", "input.value", "input.mime_type", "gen_ai.prompt");
  }

  private static Object outputOf(Map<String, Object> raw, java.util.Set<String> used) {
    Object messages = raw.get("gen_ai.output.messages");
    if (messages != null) {
      used.add("gen_ai.output.messages");
      return Map.of("gen_ai.output.messages", json(messages));
    }
    return valueOf(raw, used, "gen_ai.tool.call.result", "output.value", "output.mime_type", "gen_ai.completion");
  }

  /** A tool's JSON argument or result, else an OpenInference value (JSON when its MIME type says so), else the older prompt or completion. */
  private static Object valueOf(Map<String, Object> raw, java.util.Set<String> used, String toolKey, String valueKey, String mimeKey,
      String legacyKey) {
    if (raw.get(toolKey) != null) {
      used.add(toolKey);
      return json(raw.get(toolKey));
    }
    Object value = raw.get(valueKey);
    if (value != null) {
      used.add(valueKey);
      used.add(mimeKey);
      return "application/json".equals(raw.get(mimeKey)) ? json(value) : value;
    }
    if (raw.get(legacyKey) != null) {
      used.add(legacyKey);
    }
    return raw.get(legacyKey);
  }

  /** A JSON string attribute parsed (messages are sent as a string of JSON), anything else as it is. */
  private static Object json(Object value) {
    if (value instanceof String s) {
      try {
        return JSON.readValue(s, Object.class);
      } catch (JsonProcessingException e) {
        return s; // not JSON after all: kept as text
      }
    }
    return value;
  }

  private ContentProcessor.Processed content(Object value, List<BlobRecord> blobs) {
    if (value == null) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      bytes = JSON.valueToTree(String.valueOf(value)).toString().getBytes(StandardCharsets.UTF_8);
    }
    ContentProcessor.Processed processed = content.process(new Captured(bytes, false), true);
    if (processed.blob() != null) {
      blobs.add(processed.blob());
    }
    return processed;
  }

  private static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpMapping::value).toList();
      case KVLIST_VALUE -> {
        Map<String, Object> map = new LinkedHashMap<>();
        v.getKvlistValue().getValuesList().forEach(kv -> map.put(kv.getKey(), value(kv.getValue())));
        yield map;
      }
      case BYTES_VALUE -> java.util.Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      default -> null;
    };
  }

  private static String text(Map<String, Object> raw, String... keys) {
    for (String k : keys) {
      Object v = raw.get(k);
      if (v != null && !String.valueOf(v).isEmpty()) {
        return String.valueOf(v);
      }
    }
    return null;
  }

  private static Long number(Map<String, Object> raw, String... keys) {
    for (String k : keys) {
      Object v = raw.get(k);
      if (v instanceof Number n) {
        return n.longValue();
      }
      if (v instanceof String s) {
        try {
          return Long.parseLong(s.trim());
        } catch (NumberFormatException ignored) {
          // not a count: look at the next name
        }
      }
    }
    return null;
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos);
  }
}
