package dev.tracewright.runtime.replay;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.export.ExportBatch;
import dev.tracewright.runtime.export.JsonlFormat;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: writes a database's spans as JSONL the way {@code tracewright export --format jsonl}
 * does (the CLI lives in another module): stored rows into {@link SpanRecord}s, blobs by hash, and
 * {@link JsonlFormat} for each line.
 */
final class StoredSpans {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StoredSpans() {}

  static Path exportJsonl(Connection c, Path file, boolean withContent) throws SQLException, IOException {
    List<SpanRecord> spans = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("SELECT * FROM spans ORDER BY start_time, span_id");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        spans.add(span(rs));
      }
    }
    Map<String, List<EventRecord>> events = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT * FROM span_events ORDER BY span_id, seq");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        events.computeIfAbsent(rs.getString("span_id"), k -> new ArrayList<>()).add(new EventRecord(
            rs.getString("span_id"), rs.getInt("seq"), rs.getObject("time", OffsetDateTime.class).toInstant(), rs.getString("name"),
            map(rs.getString("attributes"))));
      }
    }
    ExportBatch batch = new ExportBatch("test", Map.of(), spans, events, hash -> blob(c, hash));
    StringBuilder out = new StringBuilder();
    for (SpanRecord s : spans) {
      out.append(JsonlFormat.line(s, events.getOrDefault(s.spanId(), List.of()), batch, withContent)).append('\n');
    }
    Files.writeString(file, out, StandardCharsets.UTF_8);
    return file;
  }

  private static String blob(Connection c, String hash) {
    try (PreparedStatement st = c.prepareStatement("SELECT content FROM blobs WHERE hash = ?")) {
      st.setString(1, hash);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SpanRecord span(ResultSet rs) throws SQLException {
    BigDecimal cost = rs.getBigDecimal("cost_usd");
    long in = rs.getLong("input_tokens");
    boolean inNull = rs.wasNull();
    long out = rs.getLong("output_tokens");
    boolean outNull = rs.wasNull();
    return new SpanRecord(rs.getString("span_id"), rs.getString("trace_id"), rs.getString("parent_span_id"), rs.getString("name"),
        SpanKind.valueOf(rs.getString("kind")), rs.getString("status"),
        rs.getObject("start_time", OffsetDateTime.class).toInstant(), rs.getObject("end_time", OffsetDateTime.class).toInstant(),
        Math.round(rs.getDouble("duration_ms") * 1_000_000), rs.getString("code_namespace"), rs.getString("code_function"),
        rs.getString("thread_name"), rs.getString("model"), rs.getString("provider"), inNull ? null : in, outNull ? null : out,
        cost == null ? null : cost.doubleValue(), rs.getString("input_preview"), rs.getString("output_preview"),
        rs.getString("input_ref"), rs.getString("output_ref"), rs.getString("error_type"), rs.getString("error_message"),
        map(rs.getString("attributes")), CapturePolicy.valueOf(rs.getString("capture_policy")));
  }

  private static Map<String, Object> map(String json) {
    try {
      return json == null ? Map.of() : JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
