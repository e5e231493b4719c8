package dev.tracewright.runtime.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.replay.RecordedContent;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.List;

/**
 * One span per line in Tracewright's own column names (easy with jq or pandas), with its events,
 * resource and, for FULL_EXPORTABLE spans only, its redacted input and output. With content
 * included ({@code tracewright export --format jsonl --content}) every span's stored content is
 * written: FULL_LOCAL too, and the preview of REDACTED_PREVIEW spans; this is the file replay and
 * diff read back ({@code RecordedTrace.fromFile}).
 *
 * <p>{@code input_hash}/{@code output_hash} are written for every span that captured content,
 * also when the content itself is left out: the SHA-256 of the stored (redacted) text, which is
 * the blob's hash for full content and the hash of the preview otherwise (see
 * {@link RecordedContent}). They let {@code tracewright diff} tell a changed output without the
 * content. {@code input_state}/{@code output_state} say what written content is worth: FULL,
 * PREVIEW or TRUNCATED.
 */
public final class JsonlFormat {
  private JsonlFormat() {}

  public static String line(SpanRecord s, List<EventRecord> events, ExportBatch batch) {
    return line(s, events, batch, false);
  }

  /**
   * One span; {@code withLocalContent} also writes the content of spans not captured
   * FULL_EXPORTABLE (already redacted at capture): the file then holds prompts and outputs.
   */
  public static String line(SpanRecord s, List<EventRecord> events, ExportBatch batch, boolean withLocalContent) {
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
    o.put("code_namespace", s.codeNamespace());
    o.put("code_function", s.codeFunction());
    o.put("capture_policy", s.capturePolicy() == null ? null : s.capturePolicy().name());
    o.set("attributes", OtlpJson.JSON.valueToTree(s.attributes()));
    boolean writeContent = withLocalContent || s.capturePolicy() == CapturePolicy.FULL_EXPORTABLE;
    content(o, "input", s.inputPreview(), s.inputRef(), batch, writeContent);
    content(o, "output", s.outputPreview(), s.outputRef(), batch, writeContent);
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

  /** The content's hash, and the content with its state when it is written (only then is a blob read). */
  private static void content(
      ObjectNode o, String field, String preview, String ref, ExportBatch batch, boolean writeContent) {
    if (!writeContent) {
      String hash = ref != null ? ref : preview != null ? RecordedContent.sha256(preview) : null;
      if (hash != null) {
        o.put(field + "_hash", hash);
      }
      return;
    }
    RecordedContent c = RecordedContent.stored(preview, ref, ref == null ? null : batch.content().apply(ref));
    if (c.hash() != null) {
      o.put(field, c.json());
      o.put(field + "_state", c.state().name());
      o.put(field + "_hash", c.hash());
    }
  }
}
