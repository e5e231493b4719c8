package dev.tracewright.runtime.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.List;

/**
 * One span per line in Tracewright's own column names (easy with jq or pandas), with its events,
 * resource and, for FULL_EXPORTABLE spans only, its redacted input and output.
 */
public final class JsonlFormat {
  private JsonlFormat() {}

  public static String line(SpanRecord s, List<EventRecord> events, ExportBatch batch) {
    ObjectNode o = OtlpJson.JSON.createObjectNode();
    o.put("trace_id", s.traceId());
    o.put("span_id", s.spanId());
    o.put("parent_span_id", s.parentSpanId());
    o.put("service_name", batch.serviceName());
    o.put("name", s.name());
    o.put("kind", s.kind().name());
    o.put("status", s.status());
    o.put("start_time", s.startTime().toString());
    o.put("end_time", s.endTime().toString());
    o.put("duration_ms", s.durationMs());
    o.put("model", s.model());
    o.put("provider", s.provider());
    o.put("input_tokens", s.inputTokens());
    o.put("output_tokens", s.outputTokens());
    o.put("cost_usd", s.costUsd());
    o.put("error_type", s.errorType());
    o.put("error_message", s.errorMessage());
    o.set("attributes", OtlpJson.JSON.valueToTree(s.attributes()));
    OtlpJson.Content c = OtlpJson.Content.of(s, batch);
    if (c.input() != null) {
      o.put("input", c.input());
    }
    if (c.output() != null) {
      o.put("output", c.output());
    }
    ArrayNode array = o.putArray("events");
    for (EventRecord e : events) {
      ObjectNode event = array.addObject();
      event.put("seq", e.seq());
      event.put("time", e.time().toString());
      event.put("name", e.name());
      event.set("attributes", OtlpJson.JSON.valueToTree(e.attributes()));
    }
    try {
      return OtlpJson.JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }
}
