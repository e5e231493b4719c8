package dev.tracewright.runtime.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one trace from a Tracewright database through the trace index: its spans with their
 * content (one query, blobs joined), then its events. Only reads.
 */
final class DatabaseTraceReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LISTED = 10;
  private static final String TEXT = dev.tracewright.runtime.capture.ContentProcessor.MEDIA_TEXT;

  private DatabaseTraceReader() {}

  static RecordedTrace read(Connection c, String traceIdOrPrefix, RecordedTrace.ContentLoad load) {
    if (c == null) {
      throw new IllegalArgumentException("no database connection given");
    }
    if (traceIdOrPrefix == null) {
      throw new IllegalArgumentException("a trace ID or prefix is required");
    }
    String prefix = TracePrefix.normalize(traceIdOrPrefix);
    try {
      String traceId = resolve(c, prefix);
      Map<String, List<RecordedEvent>> events = events(c, traceId);
      return new RecordedTrace(traceId, spans(c, traceId, events, load == RecordedTrace.ContentLoad.FULL));
    } catch (SQLException e) {
      throw new IllegalArgumentException("cannot read trace '" + prefix + "' from the database: " + firstLine(e.getMessage()), e);
    }
  }

  /** The one trace ID starting with {@code prefix}: a range seek on the primary key. */
  private static String resolve(Connection c, String prefix) throws SQLException {
    List<String> found = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(
        "SELECT trace_id FROM traces WHERE trace_id >= ? AND trace_id <= ? ORDER BY trace_id LIMIT " + (LISTED + 1))) {
      st.setString(1, prefix);
      st.setString(2, prefix + "g");
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no trace with ID starting '" + prefix + "' in the database");
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException("'" + prefix + "' matches " + (found.size() > LISTED ? "more than " + LISTED : found.size())
          + " traces (" + String.join(", ", found.subList(0, Math.min(LISTED, found.size()))) + (found.size() > LISTED ? ", ..." : "")
          + "); give more digits");
    }
    return found.get(0);
  }

  private static List<RecordedSpan> spans(Connection c, String traceId, Map<String, List<RecordedEvent>> events, boolean withContent)
      throws SQLException {
    List<RecordedSpan> out = new ArrayList<>();
    // Repeated values kept once, a parent's ID as the parent's own instance (parents start first).
    SharedStrings shared = new SharedStrings();
    Map<String, String> ids = new HashMap<>();
    SpanNumbers numbers = new SpanNumbers(); // a bad time or count is refused here, naming the span
    String blobColumns = withContent
        ? "bi.content AS input_content, bo.content AS output_content, bi.media_type AS input_media, bo.media_type AS output_media"
        : "NULL AS input_content, NULL AS output_content, bi.media_type AS input_media, bo.media_type AS output_media";
    try (PreparedStatement st = c.prepareStatement(
        "SELECT s.*, " + blobColumns + " FROM spans s"
            + " LEFT JOIN blobs bi ON bi.hash = s.input_ref LEFT JOIN blobs bo ON bo.hash = s.output_ref"
            + " WHERE s.trace_id = ? ORDER BY s.start_time, s.span_id")) {
      st.setString(1, traceId);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          CapturePolicy policy = policy(rs.getString("capture_policy"));
          String spanId = rs.getString("span_id");
          ids.put(spanId, spanId);
          String parentId = rs.getString("parent_span_id");
          RecordedSpan span = new RecordedSpan(
              spanId,
              parentId == null ? null : ids.getOrDefault(parentId, parentId),
              shared.of(rs.getString("name")),
              SpanKind.valueOf(rs.getString("kind")),
              shared.of(rs.getString("status")),
              instant(rs, "start_time"),
              instant(rs, "end_time"),
              rs.getDouble("duration_ms"),
              shared.of(rs.getString("code_namespace")),
              shared.of(rs.getString("code_function")),
              shared.of(rs.getString("model")),
              nullableLong(rs, "input_tokens"),
              nullableLong(rs, "output_tokens"),
              decimal(rs, "cost_usd"),
              rs.getString("error_type"),
              rs.getString("error_message"),
              attributes(rs.getString("attributes")),
              content(rs, "input", withContent),
              content(rs, "output", withContent),
              policy,
              events.getOrDefault(spanId, List.of()));
          numbers.check("trace " + traceId + ": ", span);
          out.add(span);
        }
      }
    }
    return out;
  }

  /**
   * The blob when read, else (hashes only) its hash with the state its media type tells: content
   * cut at the capture limit is stored as text/plain. Without a blob, the preview.
   */
  private static RecordedContent content(ResultSet rs, String side, boolean withContent) throws SQLException {
    String preview = rs.getString(side + "_preview");
    String ref = rs.getString(side + "_ref");
    String media = rs.getString(side + "_media");
    if (withContent || ref == null || media == null) {
      return RecordedContent.stored(preview, ref, rs.getString(side + "_content"));
    }
    return new RecordedContent(null, ref, TEXT.equals(media) ? RecordedContent.State.TRUNCATED : RecordedContent.State.FULL);
  }

  private static Map<String, List<RecordedEvent>> events(Connection c, String traceId) throws SQLException {
    Map<String, List<RecordedEvent>> out = new HashMap<>();
    try (PreparedStatement st = c.prepareStatement(
        "SELECT e.span_id, e.seq, e.time, e.name, e.attributes FROM span_events e JOIN spans s ON s.span_id = e.span_id"
            + " WHERE s.trace_id = ? ORDER BY e.span_id, e.seq")) {
      st.setString(1, traceId);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(new RecordedEvent(rs.getInt(2), instant(rs, "time"), rs.getString(4), attributes(rs.getString(5))));
        }
      }
    }
    return out;
  }

  /** Databases from before the column have no policy: FULL_LOCAL, as the exporter assumes. */
  private static CapturePolicy policy(String stored) {
    return stored == null ? CapturePolicy.FULL_LOCAL : CapturePolicy.valueOf(stored);
  }

  private static Map<String, String> attributes(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    try {
      return JsonlTraceReader.attributes(JSON.readTree(json));
    } catch (IOException e) {
      return Map.of("$unreadable", json);
    }
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static Double decimal(ResultSet rs, String column) throws SQLException {
    BigDecimal v = rs.getBigDecimal(column);
    return v == null ? null : v.doubleValue();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
