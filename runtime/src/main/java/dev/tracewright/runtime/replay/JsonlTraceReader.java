package dev.tracewright.runtime.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads one trace from a JSONL export, a line at a time: only the wanted trace's spans are kept,
 * so a file of many traces costs the memory of one. Lines are parsed into Jackson trees (never
 * with default typing). Every problem is one {@link IllegalArgumentException} line naming the file
 * and line number.
 */
final class JsonlTraceReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Trace IDs listed in a message at most. */
  private static final int LISTED = 10;

  private final Path file;
  private final String prefix; // null: the file's only trace

  private String chosen;
  private final Set<String> candidates = new LinkedHashSet<>();
  /** Every span ID read, to itself: a parent's ID is then the parent's own instance. */
  private final Map<String, String> spanIds = new HashMap<>();
  private final SharedStrings shared = new SharedStrings();
  private final SpanNumbers numbers = new SpanNumbers();
  private final List<RecordedSpan> spans = new ArrayList<>();

  private JsonlTraceReader(Path file, String prefix) {
    this.file = file;
    this.prefix = prefix;
  }

  static RecordedTrace read(Path file, String traceIdOrPrefix) {
    String prefix = traceIdOrPrefix == null ? null : TracePrefix.normalize(traceIdOrPrefix);
    return new JsonlTraceReader(file, prefix).read();
  }

  private RecordedTrace read() {
    if (file == null) {
      throw new IllegalArgumentException("no JSONL file given");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    int lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (!line.isBlank()) {
          accept(line, lineNumber);
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + ":" + (lineNumber + 1) + ": not UTF-8 text (is this a JSONL export?)");
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
    }
    if (candidates.size() > 1) {
      throw new IllegalArgumentException(prefix == null
          ? file + " holds " + describeCandidates() + "; pick one by ID or prefix (RecordedTrace.fromFile(path, id), or <file>#<id> on the command line)"
          : "'" + prefix + "' matches " + describeCandidates() + " in " + file + "; give more digits");
    }
    if (chosen == null) {
      throw new IllegalArgumentException(prefix == null
          ? file + " holds no spans (an empty export?)"
          : "no trace with ID starting '" + prefix + "' in " + file);
    }
    return new RecordedTrace(chosen, spans);
  }

  private String describeCandidates() {
    List<String> ids = candidates.stream().limit(LISTED).toList();
    return (candidates.size() > LISTED ? "more than " + LISTED : String.valueOf(candidates.size())) + " traces ("
        + String.join(", ", ids) + (candidates.size() > LISTED ? ", ..." : "") + ")";
  }

  private void accept(String line, int lineNumber) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where(lineNumber) + "not JSON (" + e.getOriginalMessage() + "); expected one span per line as written by tracewright export --format jsonl");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where(lineNumber) + "not a span: expected a JSON object per line");
    }
    if (node.has("resourceSpans")) {
      throw new IllegalArgumentException(where(lineNumber) + "this is OTLP JSON, not JSONL; export with tracewright export --format jsonl --content");
    }
    String traceId = requiredText(node, "trace_id", lineNumber).toLowerCase(Locale.ROOT);
    if (!matches(traceId)) {
      return;
    }
    if (candidates.size() <= LISTED) {
      candidates.add(traceId);
    }
    if (chosen == null) {
      chosen = traceId;
    }
    if (!chosen.equals(traceId)) {
      return; // several traces match: only their IDs are collected, for the message
    }
    RecordedSpan span = span(node, lineNumber);
    if (spanIds.putIfAbsent(span.spanId(), span.spanId()) != null) {
      throw new IllegalArgumentException(where(lineNumber) + "span " + span.spanId() + " appears twice");
    }
    spans.add(span);
  }

  private boolean matches(String traceId) {
    return prefix == null || traceId.startsWith(prefix);
  }

  private RecordedSpan span(JsonNode n, int line) {
    String policyText = text(n, "capture_policy");
    CapturePolicy policy = policyText == null ? null : enumValue(CapturePolicy.class, policyText, "capture_policy", line);
    String spanId = requiredText(n, "span_id", line);
    String name = shared.of(requiredText(n, "name", line));
    String at = where(line) + SpanNumbers.label(spanId, name);
    // Repeated values are kept once (a parent's ID is the parent's own instance when it came
    // first): a 200,000-span trace would otherwise hold a copy of each per span.
    RecordedSpan span = new RecordedSpan(
        spanId,
        parentId(text(n, "parent_span_id")),
        name,
        enumValue(SpanKind.class, requiredText(n, "kind", line), "kind", line),
        shared.of(requiredText(n, "status", line)),
        instant(n, "start_time", line),
        instant(n, "end_time", line),
        SpanNumbers.durationMs(n.get("duration_ms"), at),
        shared.of(text(n, "code_namespace")),
        shared.of(text(n, "code_function")),
        shared.of(text(n, "model")),
        SpanNumbers.count(n.get("input_tokens"), "input_tokens", at),
        SpanNumbers.count(n.get("output_tokens"), "output_tokens", at),
        n.hasNonNull("cost_usd") ? n.get("cost_usd").asDouble() : null,
        text(n, "error_type"),
        text(n, "error_message"),
        attributes(n.get("attributes")),
        content(n, "input", line),
        content(n, "output", line),
        policy,
        events(n.get("events"), line));
    numbers.check(where(line), span);
    return span;
  }

  private String parentId(String id) {
    return id == null ? null : spanIds.getOrDefault(id, id);
  }

  /**
   * The content written with its state (FULL_EXPORTABLE spans, or any span with --content); a
   * hash without content (exported without --content) is ABSENT with its hash, so diff still
   * compares it.
   */
  private RecordedContent content(JsonNode n, String field, int line) {
    String json = text(n, field);
    String hash = text(n, field + "_hash");
    String stateText = text(n, field + "_state");
    if (json == null) {
      return hash == null ? RecordedContent.NONE : new RecordedContent(null, hash, RecordedContent.State.ABSENT);
    }
    RecordedContent.State state = stateText != null
        ? enumValue(RecordedContent.State.class, stateText, field + "_state", line)
        : RecordedContent.stateOfFullText(json); // a file from before the state was written
    return new RecordedContent(json, hash != null ? hash : RecordedContent.sha256(json), state);
  }

  private List<RecordedEvent> events(JsonNode array, int line) {
    if (array == null || !array.isArray()) {
      return List.of();
    }
    List<RecordedEvent> out = new ArrayList<>(array.size());
    for (JsonNode e : array) {
      out.add(new RecordedEvent(e.path("seq").asInt(out.size()), instant(e, "time", line), e.path("name").asText(""), attributes(e.get("attributes"))));
    }
    return out;
  }

  static Map<String, String> attributes(JsonNode object) {
    if (object == null || !object.isObject()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
    return out;
  }

  private String where(int line) {
    return file + ":" + line + ": ";
  }

  private String requiredText(JsonNode n, String field, int line) {
    String value = text(n, field);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(where(line) + "not a span: no \"" + field + "\"");
    }
    return value;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private Instant instant(JsonNode n, String field, int line) {
    String value = requiredText(n, field, line);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where(line) + "\"" + field + "\" is not an ISO-8601 instant: " + value);
    }
  }

  private <E extends Enum<E>> E enumValue(Class<E> type, String value, String field, int line) {
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where(line) + "\"" + field + "\" is not one of " + java.util.Arrays.toString(type.getEnumConstants()) + ": " + value);
    }
  }
}
