package dev.tracewright.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.runtime.store.H2Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The spans of an H2 trace file, read back over JDBC as a user's console query would. */
final class StoredSpans {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Row(String spanId, String traceId, String parentSpanId, String name, String kind, String status,
      String threadName, JsonNode attributes) {

    String toolCallId() {
      return attributes.path(TracewrightTools.TOOL_CALL_ID).asText(null);
    }
  }

  private StoredSpans() {}

  /** Every stored span, in start order. */
  static List<Row> read(Path db) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, false, true), H2Store.DEFAULT_USER, "");
        ResultSet r = c.createStatement().executeQuery(
            "SELECT span_id, trace_id, parent_span_id, name, kind, status, thread_name, attributes"
                + " FROM spans ORDER BY start_time, span_id")) {
      while (r.next()) {
        rows.add(new Row(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
            r.getString(6), r.getString(7), r.getString(8) == null ? JSON.createObjectNode() : JSON.readTree(r.getString(8))));
      }
    }
    return rows;
  }

  /** The trace IDs of the stored traces. */
  static List<String> traceIds(Path db) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(H2Store.fileUrl(db, false, true), H2Store.DEFAULT_USER, "");
        ResultSet r = c.createStatement().executeQuery("SELECT trace_id FROM traces ORDER BY start_time")) {
      while (r.next()) {
        ids.add(r.getString(1));
      }
    }
    return ids;
  }
}
