package dev.tracewright.runtime.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.LoopbackOnly;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read side of a trace database, for the CLI. Opens an existing file only (never creates one),
 * through AUTO_SERVER so it works while an agent is writing. Reads back into the same records the
 * writer stores; JSON is read into plain maps (no polymorphic typing, ever).
 */
public final class TraceDb implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private final Connection connection;
  private final Path base;

  private TraceDb(Connection connection, Path base) {
    this.connection = connection;
    this.base = base;
  }

  /** Opens the database at {@code path}; a missing or unreadable one is a {@link CliException}. */
  public static TraceDb open(Path path) {
    LoopbackOnly.ensure();
    Path base = H2Store.basePath(path);
    Path data = H2Store.dataFile(base);
    if (!Files.isRegularFile(data)) {
      throw new CliException("no trace database at " + data + " (run an agent with Tracewright.initLocal() first, or pass --db)");
    }
    try {
      Connection c = DriverManager.getConnection(H2Store.fileUrl(base, true, true), H2Store.DEFAULT_USER, "");
      TraceDb db = new TraceDb(c, base);
      db.checkSchema();
      return db;
    } catch (SQLException e) {
      throw new CliException("cannot open trace database " + data + ": " + firstLine(e.getMessage()));
    }
  }

  private void checkSchema() throws SQLException {
    try (ResultSet rs = connection.getMetaData().getTables(null, "PUBLIC", "SPANS", null)) {
      if (!rs.next()) {
        connection.close();
        throw new CliException(H2Store.dataFile(base) + " is an H2 database but not a Tracewright trace database");
      }
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.replaceAll("\\s*\\[\\d+-\\d+]$", ""); // H2's error code suffix
  }

  public Connection connection() {
    return connection;
  }

  public Path dataFile() {
    return H2Store.dataFile(base);
  }

  /** What a trace without a {@code traces} row is: its root has not ended (still running, or crashed). */
  public static final String INCOMPLETE = "INCOMPLETE";

  /**
   * A trace's totals from its spans alone, for traces whose root never ended: an agent still running,
   * or one that crashed, which is when its spans matter most.
   */
  private static final String INCOMPLETE_TRACES =
      "SELECT s.trace_id, MIN(s.start_time) AS start_time, MAX(s.end_time) AS end_time, COUNT(*) AS span_count,"
          + " SUM(CASE WHEN s.status = 'ERROR' THEN 1 ELSE 0 END) AS error_count,"
          + " COALESCE(SUM(s.input_tokens), 0) AS input_tokens, COALESCE(SUM(s.output_tokens), 0) AS output_tokens,"
          + " SUM(s.cost_usd) AS cost_usd,"
          + " (SELECT f.name FROM spans f WHERE f.trace_id = s.trace_id ORDER BY f.start_time LIMIT 1) AS name"
          + " FROM spans s WHERE NOT EXISTS (SELECT 1 FROM traces t WHERE t.trace_id = s.trace_id)";

  /** Most recent traces first, incomplete ones (see {@link #INCOMPLETE}) included. */
  public List<TraceRecord> traces(int limit, boolean errorsOnly, Instant since) throws SQLException {
    List<Object> params = new ArrayList<>();
    StringBuilder complete = new StringBuilder("SELECT * FROM traces WHERE 1 = 1");
    StringBuilder incomplete = new StringBuilder(INCOMPLETE_TRACES).append(" GROUP BY s.trace_id HAVING 1 = 1");
    if (errorsOnly) {
      complete.append(" AND (status = 'ERROR' OR error_count > 0)");
      incomplete.append(" AND SUM(CASE WHEN s.status = 'ERROR' THEN 1 ELSE 0 END) > 0");
    }
    if (since != null) {
      complete.append(" AND start_time >= ?");
      incomplete.append(" AND MIN(s.start_time) >= ?");
      params.add(OffsetDateTime.ofInstant(since, java.time.ZoneOffset.UTC));
    }
    params.add(limit);
    List<TraceRecord> out = new ArrayList<>(select(complete + " ORDER BY start_time DESC LIMIT ?", TraceDb::trace, params));
    out.addAll(select(incomplete + " ORDER BY start_time DESC LIMIT ?", TraceDb::incompleteTrace, params));
    out.sort(java.util.Comparator.comparing(TraceRecord::startTime).reversed());
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  /** The trace whose ID starts with {@code prefix}; none or several is a {@link CliException}. */
  public TraceRecord trace(String prefix) throws SQLException {
    String p = prefix.trim().toLowerCase(java.util.Locale.ROOT);
    if (!p.matches("[0-9a-f]{1,32}")) {
      throw new CliException("'" + prefix + "' is not a trace ID: expected up to 32 hex digits");
    }
    List<Object> like = List.of(p + "%");
    List<TraceRecord> found = new ArrayList<>(select("SELECT * FROM traces WHERE trace_id LIKE ? ORDER BY start_time DESC LIMIT 6", TraceDb::trace, like));
    found.addAll(select(INCOMPLETE_TRACES + " AND s.trace_id LIKE ? GROUP BY s.trace_id LIMIT 6", TraceDb::incompleteTrace, like));
    if (found.isEmpty()) {
      throw new CliException("no trace with ID starting '" + p + "' in " + dataFile() + " (see: tracewright list)");
    }
    if (found.size() > 1) {
      throw new CliException("'" + p + "' matches several traces (" + String.join(", ",
          found.stream().limit(5).map(t -> t.traceId().substring(0, 16)).toList()) + (found.size() > 5 ? ", ..." : "") + "); give more digits");
    }
    return found.get(0);
  }

  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> List<T> select(String sql, Row<T> row, List<Object> params) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        st.setObject(i + 1, params.get(i));
      }
      List<T> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(row.read(rs));
        }
      }
      return out;
    }
  }

  private static TraceRecord incompleteTrace(ResultSet rs) throws SQLException {
    Instant start = instant(rs, "start_time");
    Instant end = instant(rs, "end_time");
    return new TraceRecord(
        rs.getString("trace_id"),
        rs.getString("name"),
        null,
        start,
        end,
        java.time.Duration.between(start, end).toNanos(),
        INCOMPLETE,
        null,
        rs.getInt("span_count"),
        rs.getInt("error_count"),
        rs.getLong("input_tokens"),
        rs.getLong("output_tokens"),
        decimal(rs, "cost_usd"));
  }

  /** Spans of a trace by start time. */
  public List<SpanRecord> spans(String traceId) throws SQLException {
    return select("SELECT * FROM spans WHERE trace_id = ? ORDER BY start_time, span_id", TraceDb::span, List.of(traceId));
  }

  /** Events of every span of a trace, by span and sequence. */
  public Map<String, List<EventRecord>> events(String traceId) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(
        "SELECT e.* FROM span_events e JOIN spans s ON s.span_id = e.span_id WHERE s.trace_id = ? ORDER BY e.span_id, e.seq")) {
      st.setString(1, traceId);
      Map<String, List<EventRecord>> out = new LinkedHashMap<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          EventRecord e = new EventRecord(rs.getString("span_id"), rs.getInt("seq"), instant(rs, "time"), rs.getString("name"), json(rs.getString("attributes")));
          out.computeIfAbsent(e.spanId(), k -> new ArrayList<>()).add(e);
        }
      }
      return out;
    }
  }

  /** Stored content by hash, or null. */
  public String blob(String hash) throws SQLException {
    if (hash == null) {
      return null;
    }
    try (PreparedStatement st = connection.prepareStatement("SELECT content FROM blobs WHERE hash = ?")) {
      st.setString(1, hash);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  static TraceRecord trace(ResultSet rs) throws SQLException {
    return new TraceRecord(
        rs.getString("trace_id"),
        rs.getString("name"),
        rs.getString("service_name"),
        instant(rs, "start_time"),
        instant(rs, "end_time"),
        Math.round(rs.getDouble("duration_ms") * 1_000_000),
        rs.getString("status"),
        rs.getString("root_span_id"),
        rs.getInt("span_count"),
        rs.getInt("error_count"),
        rs.getLong("input_tokens"),
        rs.getLong("output_tokens"),
        decimal(rs, "cost_usd"));
  }

  static SpanRecord span(ResultSet rs) throws SQLException {
    return new SpanRecord(
        rs.getString("span_id"),
        rs.getString("trace_id"),
        rs.getString("parent_span_id"),
        rs.getString("name"),
        SpanKind.valueOf(rs.getString("kind")),
        rs.getString("status"),
        instant(rs, "start_time"),
        instant(rs, "end_time"),
        Math.round(rs.getDouble("duration_ms") * 1_000_000),
        rs.getString("code_namespace"),
        rs.getString("code_function"),
        rs.getString("thread_name"),
        rs.getString("model"),
        rs.getString("provider"),
        nullableLong(rs, "input_tokens"),
        nullableLong(rs, "output_tokens"),
        decimal(rs, "cost_usd"),
        rs.getString("input_preview"),
        rs.getString("output_preview"),
        rs.getString("input_ref"),
        rs.getString("output_ref"),
        rs.getString("error_type"),
        rs.getString("error_message"),
        json(rs.getString("attributes")),
        policy(rs.getString("capture_policy")));
  }

  /** Databases from before the column have no policy: treated as FULL_LOCAL, so nothing is exported. */
  private static dev.tracewright.annotations.CapturePolicy policy(String stored) {
    return stored == null ? dev.tracewright.annotations.CapturePolicy.FULL_LOCAL : dev.tracewright.annotations.CapturePolicy.valueOf(stored);
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

  private static Map<String, Object> json(String text) {
    if (text == null || text.isEmpty()) {
      return Map.of();
    }
    try {
      return JSON.readValue(text, MAP);
    } catch (IOException e) {
      return Map.of("$unreadable", text);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // read-only use: nothing to lose
    }
  }
}
