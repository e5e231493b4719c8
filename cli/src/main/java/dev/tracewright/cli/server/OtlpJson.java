package dev.tracewright.cli.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions: trace and span IDs as hex, not
 * base64; enums as numbers or names; 64-bit integers as strings or numbers) read into the protobuf
 * request, so both encodings go through one mapping. Unknown fields are ignored, as the OTLP
 * specification asks of receivers. A malformed body is an {@link IllegalArgumentException} saying
 * where.
 */
final class OtlpJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private OtlpJson() {}

  static ExportTraceServiceRequest read(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object with resourceSpans");
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    int r = 0;
    for (JsonNode rs : array(root, "resourceSpans", "the request")) {
      String at = "resourceSpans[" + r++ + "]";
      ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder();
      JsonNode resource = rs.path("resource");
      if (resource.isObject()) {
        Resource.Builder res = Resource.newBuilder();
        for (JsonNode kv : array(resource, "attributes", at + ".resource")) {
          res.addAttributes(keyValue(kv, at + ".resource.attributes"));
        }
        resourceSpans.setResource(res);
      }
      int s = 0;
      for (JsonNode ss : array(rs, "scopeSpans", at)) {
        String scopeAt = at + ".scopeSpans[" + s++ + "]";
        ScopeSpans.Builder scopeSpans = ScopeSpans.newBuilder();
        JsonNode scope = ss.path("scope");
        if (scope.isObject()) {
          scopeSpans.setScope(InstrumentationScope.newBuilder().setName(scope.path("name").asText("")).setVersion(scope.path("version").asText("")));
        }
        int i = 0;
        for (JsonNode span : array(ss, "spans", scopeAt)) {
          scopeSpans.addSpans(span(span, scopeAt + ".spans[" + i++ + "]"));
        }
        resourceSpans.addScopeSpans(scopeSpans);
      }
      request.addResourceSpans(resourceSpans);
    }
    return request.build();
  }

  private static Span span(JsonNode node, String at) {
    Span.Builder span = Span.newBuilder()
        .setTraceId(id(node, "traceId", 16))
        .setSpanId(id(node, "spanId", 8))
        .setName(node.path("name").asText(""))
        .setStartTimeUnixNano(uint64(node.path("startTimeUnixNano"), at + ".startTimeUnixNano"))
        .setEndTimeUnixNano(uint64(node.path("endTimeUnixNano"), at + ".endTimeUnixNano"));
    if (node.hasNonNull("parentSpanId") && !node.get("parentSpanId").asText().isEmpty()) {
      ByteString parent = id(node, "parentSpanId", 8);
      // A malformed parent must not read as "no parent" (a root): one byte, which the mapping refuses.
      span.setParentSpanId(parent.isEmpty() ? ByteString.copyFrom(new byte[1]) : parent);
    }
    JsonNode kind = node.path("kind");
    if (kind.isInt()) {
      span.setKindValue(kind.asInt());
    } else if (kind.isTextual()) {
      try {
        span.setKind(Span.SpanKind.valueOf(kind.asText().startsWith("SPAN_KIND_") ? kind.asText() : "SPAN_KIND_" + kind.asText()));
      } catch (IllegalArgumentException unknown) {
        throw new IllegalArgumentException(at + ".kind must be 0-5 or INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER, not '" + clip(kind.asText()) + "'");
      }
    }
    for (JsonNode kv : array(node, "attributes", at)) {
      span.addAttributes(keyValue(kv, at + ".attributes"));
    }
    int e = 0;
    for (JsonNode event : array(node, "events", at)) {
      String eventAt = at + ".events[" + e++ + "]";
      Span.Event.Builder ev = Span.Event.newBuilder().setName(event.path("name").asText(""))
          .setTimeUnixNano(uint64(event.path("timeUnixNano"), eventAt + ".timeUnixNano"));
      for (JsonNode kv : array(event, "attributes", eventAt)) {
        ev.addAttributes(keyValue(kv, eventAt + ".attributes"));
      }
      span.addEvents(ev);
    }
    JsonNode status = node.path("status");
    if (status.isObject()) {
      Status.Builder st = Status.newBuilder().setMessage(status.path("message").asText(""));
      JsonNode code = status.path("code");
      if (code.isInt()) {
        st.setCodeValue(code.asInt());
      } else if (code.isTextual()) {
        String name = code.asText().startsWith("STATUS_CODE_") ? code.asText() : "STATUS_CODE_" + code.asText();
        try {
          st.setCode(Status.StatusCode.valueOf(name));
        } catch (IllegalArgumentException unknown) {
          throw new IllegalArgumentException(at + ".status.code must be 0-2 or UNSET, OK, ERROR, not '" + clip(code.asText()) + "'");
        }
      }
      span.setStatus(st);
    }
    return span.build();
  }

  private static Iterable<JsonNode> array(JsonNode parent, String field, String at) {
    JsonNode node = parent.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return java.util.List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(at + "." + field + " must be an array");
    }
    return node;
  }

  /**
   * A hex ID as bytes; a malformed one becomes empty, so the span is refused alone as OTLP's partial
   * success, as the same span in protobuf would be, not the whole request.
   */
  private static ByteString id(JsonNode span, String field, int bytes) {
    String hex = span.path(field).asText("");
    if (hex.length() != bytes * 2) {
      return ByteString.EMPTY;
    }
    try {
      return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      return ByteString.EMPTY;
    }
  }

  private static long uint64(JsonNode node, String at) {
    if (node.isMissingNode() || node.isNull()) {
      return 0;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    try {
      return Long.parseUnsignedLong(node.asText());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(at + " must be an unsigned integer, not '" + clip(node.asText()) + "'");
    }
  }

  private static KeyValue keyValue(JsonNode kv, String at) {
    return KeyValue.newBuilder().setKey(kv.path("key").asText("")).setValue(anyValue(kv.path("value"), at)).build();
  }

  private static AnyValue anyValue(JsonNode v, String at) {
    AnyValue.Builder out = AnyValue.newBuilder();
    if (v.has("stringValue")) {
      out.setStringValue(v.get("stringValue").asText());
    } else if (v.has("boolValue")) {
      out.setBoolValue(v.get("boolValue").asBoolean());
    } else if (v.has("intValue")) {
      JsonNode i = v.get("intValue");
      try {
        out.setIntValue(i.isIntegralNumber() ? i.asLong() : Long.parseLong(i.asText()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(at + ": intValue must be an integer, not '" + clip(i.asText()) + "'");
      }
    } else if (v.has("doubleValue")) {
      JsonNode d = v.get("doubleValue");
      out.setDoubleValue(d.isNumber() ? d.asDouble() : Double.parseDouble(d.asText()));
    } else if (v.has("arrayValue")) {
      ArrayValue.Builder array = ArrayValue.newBuilder();
      for (JsonNode item : array(v.get("arrayValue"), "values", at)) {
        array.addValues(anyValue(item, at));
      }
      out.setArrayValue(array);
    } else if (v.has("kvlistValue")) {
      KeyValueList.Builder list = KeyValueList.newBuilder();
      for (JsonNode item : array(v.get("kvlistValue"), "values", at)) {
        list.addValues(keyValue(item, at));
      }
      out.setKvlistValue(list);
    } else if (v.has("bytesValue")) {
      try {
        out.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(v.get("bytesValue").asText())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": bytesValue must be base64");
      }
    }
    return out.build();
  }

  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
