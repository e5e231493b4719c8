package dev.tracewright.runtime.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses OTLP JSON with the official protobuf classes. OTLP JSON writes trace and span IDs as hex,
 * unlike protobuf's base64 for bytes, so the IDs are converted first (after checking they are hex).
 */
public final class OtlpParsing {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OtlpParsing() {}

  public static ExportTraceServiceRequest parse(String otlpJson) throws Exception {
    JsonNode root = JSON.readTree(otlpJson);
    for (JsonNode rs : root.path("resourceSpans")) {
      for (JsonNode ss : rs.path("scopeSpans")) {
        for (JsonNode span : ss.path("spans")) {
          hexToBase64((ObjectNode) span, "traceId", 32);
          hexToBase64((ObjectNode) span, "spanId", 16);
          hexToBase64((ObjectNode) span, "parentSpanId", 16);
        }
      }
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    JsonFormat.parser().merge(JSON.writeValueAsString(root), request);
    return request.build();
  }

  private static void hexToBase64(ObjectNode span, String field, int hexDigits) {
    JsonNode id = span.get(field);
    if (id == null) {
      return;
    }
    String hex = id.asText();
    if (!hex.matches("[0-9a-f]{" + hexDigits + "}")) {
      throw new AssertionError(field + " is not " + hexDigits + " lower-case hex digits on the wire: " + hex);
    }
    span.put(field, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)));
  }

  static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  public static Map<String, Object> attributes(List<KeyValue> keyValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      out.put(kv.getKey(), value(kv.getValue()));
    }
    return out;
  }

  private static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpParsing::value).toList();
      default -> v.toString();
    };
  }
}
