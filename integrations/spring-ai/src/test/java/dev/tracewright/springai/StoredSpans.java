package dev.tracewright.springai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.runtime.store.H2Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The spans of an H2 trace file, read back over JDBC as a user's console query would. */
final class StoredSpans {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Row(String spanId, String traceId, String parentSpanId, String name, String kind, String status,
      String model, String provider, Long inputTokens, Long outputTokens, Double costUsd,
      String input, String output, String errorType, JsonNode attributes, String threadName) {}

  /** One row of the {@code traces} table. */
  record Trace(String traceId, String rootSpanId, int spanCount, long inputTokens, long outputTokens) {}

  private StoredSpans() {}

  static List<Row> read(Path db) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, false, true), "sa", "");
        ResultSet r = c.createStatement().executeQuery(
            "SELECT span_id, trace_id, parent_span_id, name, kind, status, model, provider, input_tokens, output_tokens,"
                + " cost_usd, input_ref, output_ref, error_type, attributes, thread_name FROM spans ORDER BY start_time, span_id")) {
      while (r.next()) {
        rows.add(new Row(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
            r.getString(7), r.getString(8), r.getObject(9, Long.class), r.getObject(10, Long.class),
            r.getObject(11, Double.class), blob(c, r.getString(12)), blob(c, r.getString(13)), r.getString(14),
            r.getString(15) == null ? JSON.createObjectNode() : JSON.readTree(r.getString(15)), r.getString(16)));
      }
    }
    return rows;
  }

  static List<Trace> traces(Path db) throws Exception {
    List<Trace> traces = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, false, true), "sa", "");
        ResultSet r = c.createStatement().executeQuery(
            "SELECT trace_id, root_span_id, span_count, input_tokens, output_tokens FROM traces ORDER BY start_time")) {
      while (r.next()) {
        traces.add(new Trace(r.getString(1), r.getString(2), r.getInt(3), r.getLong(4), r.getLong(5)));
      }
    }
    return traces;
  }

  private static String blob(Connection c, String hash) throws SQLException {
    if (hash == null) {
      return null;
    }
    try (PreparedStatement p = c.prepareStatement("SELECT content FROM blobs WHERE hash = ?")) {
      p.setString(1, hash);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }
}
