package dev.tracewright.runtime.store;

import dev.tracewright.runtime.capture.LogSafe;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Spans in an H2 database: a file (the default, {@code ./.tracewright/traces}), memory, or a server
 * URL. Used from the writer thread only. It connects on first use, creates or migrates the schema,
 * writes each batch in one transaction, and reconnects after a failure.
 *
 * <p>A file database is opened with {@code AUTO_SERVER=TRUE}, so the H2 console or the CLI can read
 * it while the agent writes; H2's socket for that is bound to 127.0.0.1 (see {@link LoopbackOnly}).
 * Files and the directory Tracewright creates are owner-only.
 */
public final class H2Store implements TraceStore {
  public static final String DB_PROPERTY = "tracewright.db";
  public static final String DB_ENV = "TRACEWRIGHT_DB";
  public static final Path DEFAULT_PATH = Path.of(".tracewright", "traces");
  public static final String DEFAULT_USER = "sa";
  /** The largest file compacted on close: about 4 s of work at JVM exit. System property to change it, 0 to never. */
  public static final long COMPACT_ON_CLOSE_MAX_BYTES = Long.getLong("tracewright.compactOnCloseMaxBytes", 256L << 20);


  private static final System.Logger LOG = System.getLogger("dev.tracewright");
  private static final String SPAN_COLUMNS =
      "span_id, trace_id, parent_span_id, name, kind, status, start_time, end_time,"
          + " duration_ms, code_namespace, code_function, thread_name, model, provider, input_tokens,"
          + " output_tokens, cost_usd, input_preview, output_preview, input_ref, output_ref, error_type,"
          + " error_message, attributes, capture_policy";
  private static final String SPAN_VALUES = " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  private static final String MERGE_SPAN = "MERGE INTO spans (" + SPAN_COLUMNS + ") KEY (span_id)" + SPAN_VALUES;
  private static final String MERGE_EVENT =
      "MERGE INTO span_events (span_id, seq, time, name, attributes) KEY (span_id, seq) VALUES (?,?,?,?,?)";

  static {
    LoopbackOnly.ensure();
  }

  private final String url;
  private final String user;
  private final String password;
  private final Path file; // null unless a file database
  private final ObjectMapper json = new ObjectMapper();

  private Connection connection;
  /** Commits since the last sync: on disk only once synced. */
  private boolean unsyncedCommits;
  /** A connection with unsynced commits was dropped: the next sync must not report success. */
  private boolean commitsLost;
  private PreparedStatement insertSpan;
  private PreparedStatement insertEvent;
  private PreparedStatement mergeTrace;
  private PreparedStatement insertStartedTrace;
  private PreparedStatement mergeBlob;
  private PreparedStatement lockBlobs;
  private PreparedStatement addReferences;
  private PreparedStatement lockTraces;
  private PreparedStatement markFailed;
  private PreparedStatement addWords;
  private PreparedStatement setLabels;
  private PreparedStatement mergeTag;

  private H2Store(String url, String user, String password, Path file) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.file = file;
  }

  /** The default file database, or the one named by {@code -Dtracewright.db} / {@code TRACEWRIGHT_DB}. */
  public static H2Store local() {
    return file(defaultPath());
  }

  public static Path defaultPath() {
    String configured = System.getProperty(DB_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(DB_ENV);
    }
    return configured == null || configured.isBlank() ? DEFAULT_PATH : Path.of(configured);
  }

  /** A file database at {@code path} ({@code traces} or {@code traces.mv.db} both mean traces.mv.db). */
  public static H2Store file(Path path) {
    Path base = basePath(path);
    return new H2Store(fileUrl(base, true, false), DEFAULT_USER, "", base);
  }

  /** A private in-memory database, alive while this store is open. */
  public static H2Store memory(String name) {
    Objects.requireNonNull(name, "name");
    return new H2Store("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", DEFAULT_USER, "", null);
  }

  /** Any H2 JDBC URL, such as a server {@code jdbc:h2:tcp://localhost/~/traces}. */
  public static H2Store url(String jdbcUrl, String user, String password) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:h2:")) {
      throw new IllegalArgumentException("not an H2 JDBC URL: " + jdbcUrl);
    }
    return new H2Store(jdbcUrl, Objects.requireNonNull(user, "user"), Objects.requireNonNull(password, "password"), null);
  }

  /** The same database with other credentials. */
  public H2Store withCredentials(String user, String password) {
    return new H2Store(url, Objects.requireNonNull(user, "user"), Objects.requireNonNull(password, "password"), file);
  }

  /** {@code x/traces.mv.db} and {@code x/traces} both give the absolute {@code x/traces}. */
  public static Path basePath(Path path) {
    String name = path.getFileName().toString();
    Path base = name.endsWith(".mv.db") ? path.resolveSibling(name.substring(0, name.length() - ".mv.db".length())) : path;
    return base.toAbsolutePath().normalize();
  }

  /** The database file H2 keeps for a base path. */
  public static Path dataFile(Path base) {
    return basePath(base).resolveSibling(basePath(base).getFileName() + ".mv.db");
  }

  /**
   * URL of a file database. {@code ifExists} stops H2 from creating a missing database (readers);
   * H2's own exit hook is off because Tracewright's shutdown hook flushes first and then closes.
   */
  public static String fileUrl(Path base, boolean autoServer, boolean ifExists) {
    StringBuilder u = new StringBuilder("jdbc:h2:file:").append(basePath(base));
    // No background writer: with one, CHECKPOINT SYNC can return while the chunk holding a commit
    // is still queued in H2's writer threads (MVStore.commit() skips a store another thread began,
    // and sync() only forces the file), so a kill -9 lost what flush() had confirmed. Without it
    // each commit writes its chunk before it returns, and the checkpoint forces it to disk.
    u.append(";TRACE_LEVEL_FILE=0;WRITE_DELAY=0");
    if (autoServer && LoopbackOnly.isLoopback()) {
      u.append(";AUTO_SERVER=TRUE");
    } else {
      u.append(";DB_CLOSE_ON_EXIT=FALSE");
    }
    if (ifExists) {
      u.append(";IFEXISTS=TRUE");
    }
    return u.toString();
  }

  public String url() {
    return url;
  }

  /** The base path of a file database, or null. */
  public Path file() {
    return file;
  }

  @Override
  public void write(WriteBatch batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    Connection c = connection();
    try {
      try {
        writeRows(batch, insertSpan, insertEvent, java.util.Set.of());
      } catch (SQLException e) {
        if (!isDuplicateKey(e)) {
          throw e;
        }
        // Written before, by a session that died before its sync: merge this time.
        c.rollback();
        insertSpan.clearBatch();
        insertEvent.clearBatch();
        mergeTrace.clearBatch();
        mergeBlob.clearBatch();
        addReferences.clearBatch();
        insertStartedTrace.clearBatch();
        markFailed.clearBatch();
        addWords.clearBatch();
        setLabels.clearBatch();
        mergeTag.clearBatch();
        // The spans already there are in the rollups already: only the others are added to them.
        java.util.Set<String> stored = storedSpans(c, batch);
        try (PreparedStatement spans = c.prepareStatement(MERGE_SPAN);
            PreparedStatement events = c.prepareStatement(MERGE_EVENT)) {
          writeRows(batch, spans, events, stored);
        }
      }
      c.commit();
      unsyncedCommits = true;
    } catch (SQLException | RuntimeException | Error e) {
      abandon(c);
      throw e;
    }
  }

  /**
   * Writes a batch and adds it to the rollups, in the caller's transaction. {@code stored}: spans of
   * the batch already in the table (written before by a session that died before its sync, and
   * counted then), which are written again but not counted again.
   */
  private void writeRows(WriteBatch batch, PreparedStatement spans, PreparedStatement events, java.util.Set<String> stored)
      throws SQLException {
    // Blobs first: their row locks keep a concurrent prune (this process's or the CLI's) from
    // deleting content that the spans below are about to reference.
    writeBlobs(batch.blobs(), batch.spans());
    Rollups.Changes rollups = new Rollups.Changes();
    java.util.Set<String> failedTraces = new java.util.LinkedHashSet<>();
    for (SpanRecord s : batch.spans()) {
      bindSpan(spans, s);
      spans.addBatch();
      if (!stored.contains(s.spanId())) {
        rollups.addSpan(s);
      }
      if (SpanRecord.ERROR.equals(s.status())) {
        failedTraces.add(s.traceId());
      }
    }
    spans.executeBatch();
    for (EventRecord e : batch.events()) {
      events.setString(1, e.spanId());
      events.setInt(2, e.seq());
      events.setObject(3, time(e.time()));
      events.setString(4, e.name());
      events.setString(5, attributes(e.attributes()));
      events.addBatch();
    }
    events.executeBatch();
    for (TraceRecord t : batch.startedTraces()) {
      bindTrace(insertStartedTrace, t);
      insertStartedTrace.setString(15, t.traceId());
      insertStartedTrace.addBatch();
    }
    if (!batch.startedTraces().isEmpty()) {
      insertStartedTrace.executeBatch();
    }
    replaceTraceRollups(batch.traces(), rollups);
    for (TraceRecord t : batch.traces()) {
      bindTrace(mergeTrace, t);
      mergeTrace.addBatch();
      if (t.errorCount() > 0 || SpanRecord.ERROR.equals(t.status())) {
        failedTraces.add(t.traceId());
      }
    }
    mergeTrace.executeBatch();
    for (String traceId : failedTraces) {
      markFailed.setString(1, traceId);
      markFailed.addBatch();
    }
    if (!failedTraces.isEmpty()) {
      markFailed.executeBatch();
    }
    writeLabels(batch);
    rollups.apply(spans.getConnection());
    ContentWords.write(addWords, ContentWords.ofBatch(batch));
  }

  /**
   * The session, user and tags of each trace whose root span is in the batch ({@link TraceLabels},
   * from the root's attributes) into its row and {@code trace_tags}. A root span comes with its
   * trace's final row (both are written when the root ends), so the row exists by now; a row
   * written again later (a span that ended after the root) names its columns and leaves these be.
   */
  private void writeLabels(WriteBatch batch) throws SQLException {
    Map<String, String> roots = new java.util.HashMap<>(); // root span ID -> trace ID
    for (TraceRecord t : batch.traces()) {
      if (t.rootSpanId() != null) {
        roots.put(t.rootSpanId(), t.traceId());
      }
    }
    if (roots.isEmpty()) {
      return;
    }
    boolean labelled = false;
    boolean tagged = false;
    for (SpanRecord s : batch.spans()) {
      String traceId = roots.get(s.spanId());
      if (traceId == null || !traceId.equals(s.traceId())) {
        continue;
      }
      TraceLabels labels = TraceLabels.of(s.attributes());
      if (labels.isEmpty()) {
        continue;
      }
      setLabels.setString(1, labels.sessionId());
      setLabels.setString(2, labels.userId());
      setLabels.setString(3, traceId);
      setLabels.addBatch();
      labelled = true;
      for (String tag : labels.tags()) {
        mergeTag.setString(1, tag);
        mergeTag.setString(2, traceId);
        mergeTag.addBatch();
        tagged = true;
      }
    }
    if (labelled) {
      setLabels.executeBatch();
    }
    if (tagged) {
      mergeTag.executeBatch();
    }
  }

  /**
   * A trace's row is written when its root ends and replaced if a span ends after that: the rollups
   * take back what the row being replaced counted and add the new one. The rows are locked first
   * ({@code FOR UPDATE}), so a second process replacing the same row waits and then sees this one.
   */
  private void replaceTraceRollups(java.util.List<TraceRecord> traces, Rollups.Changes rollups) throws SQLException {
    if (traces.isEmpty()) {
      return;
    }
    Map<String, TraceRecord> ids = new LinkedHashMap<>();
    for (TraceRecord t : traces) {
      ids.put(t.traceId(), t);
    }
    lockTraces.setObject(1, ids.keySet().stream().sorted().toArray(String[]::new));
    try (ResultSet rs = lockTraces.executeQuery()) {
      while (rs.next()) {
        double duration = rs.getDouble(5);
        rollups.addTrace(rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(2), rs.getString(4),
            rs.wasNull() ? null : duration, rs.getLong(6), rs.getLong(7), rs.getBigDecimal(8), -1);
      }
    }
    Map<String, TraceRecord> written = new java.util.HashMap<>();
    for (TraceRecord t : traces) {
      TraceRecord replaced = written.put(t.traceId(), t);
      if (replaced != null) {
        addTrace(rollups, replaced, -1); // the same trace twice in one batch: the later row replaces the earlier
      }
      addTrace(rollups, t, 1);
    }
  }

  private static void addTrace(Rollups.Changes rollups, TraceRecord t, int sign) {
    rollups.addTrace(t.startTime(), t.name(), t.status(), t.endTime() == null ? null : t.durationMs(), t.inputTokens(),
        t.outputTokens(), Rollups.stored(t.costUsd()), sign);
  }

  /** The spans of the batch that are stored already. */
  private static java.util.Set<String> storedSpans(Connection c, WriteBatch batch) throws SQLException {
    java.util.Set<String> stored = new java.util.HashSet<>();
    if (batch.spans().isEmpty()) {
      return stored;
    }
    try (PreparedStatement st = c.prepareStatement("SELECT span_id FROM spans WHERE span_id = ANY(?)")) {
      st.setObject(1, batch.spans().stream().map(SpanRecord::spanId).toArray(String[]::new));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
    }
    return stored;
  }

  /**
   * Locks the blobs the batch's spans reference or carry that are stored already ({@code FOR
   * UPDATE}, the lock {@link TracePruner} takes before it deletes one), adds the new references to
   * their {@code ref_count}, and writes the others with theirs. One indexed query a batch finds
   * what is stored, and no cache can go stale behind a prune. A batch written again after a lost
   * sync counts its references twice: that keeps a blob too long, never too short.
   */
  private void writeBlobs(java.util.List<BlobRecord> blobs, java.util.List<SpanRecord> spans) throws SQLException {
    Map<String, Long> references = new LinkedHashMap<>();
    for (SpanRecord s : spans) {
      TracePruner.countReference(references, s.inputRef());
      TracePruner.countReference(references, s.outputRef());
    }
    if (blobs.isEmpty() && references.isEmpty()) {
      return;
    }
    Map<String, BlobRecord> missing = new LinkedHashMap<>();
    for (BlobRecord b : blobs) {
      missing.putIfAbsent(b.hash(), b);
    }
    java.util.Set<String> wanted = new java.util.LinkedHashSet<>(missing.keySet());
    wanted.addAll(references.keySet());
    lockBlobs.setObject(1, wanted.toArray(new String[0]));
    boolean counted = false;
    try (ResultSet rs = lockBlobs.executeQuery()) {
      while (rs.next()) {
        String hash = rs.getString(1);
        missing.remove(hash);
        Long n = references.get(hash);
        if (n != null) {
          addReferences.setLong(1, n);
          addReferences.setString(2, hash);
          addReferences.addBatch();
          counted = true;
        }
      }
    }
    if (counted) {
      addReferences.executeBatch();
    }
    for (BlobRecord b : missing.values()) {
      mergeBlob.setString(1, b.hash());
      mergeBlob.setLong(2, b.sizeBytes());
      mergeBlob.setString(3, b.mediaType());
      mergeBlob.setString(4, new String(b.content(), java.nio.charset.StandardCharsets.UTF_8));
      mergeBlob.setLong(5, references.getOrDefault(b.hash(), 0L));
      mergeBlob.addBatch();
    }
    if (!missing.isEmpty()) {
      mergeBlob.executeBatch();
    }
  }

  /** H2 reports a primary-key clash as SQLState 23505, possibly inside a batch exception's chain. */
  private static boolean isDuplicateKey(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException n = sql; n != null; n = n.getNextException()) {
          if ("23505".equals(n.getSQLState())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private void bindSpan(PreparedStatement p, SpanRecord s) throws SQLException {
    p.setString(1, s.spanId());
    p.setString(2, s.traceId());
    p.setString(3, s.parentSpanId());
    p.setString(4, s.name());
    p.setString(5, s.kind().name());
    p.setString(6, s.status());
    p.setObject(7, time(s.startTime()));
    p.setObject(8, time(s.endTime()));
    p.setDouble(9, s.durationMs());
    p.setString(10, s.codeNamespace());
    p.setString(11, s.codeFunction());
    p.setString(12, s.threadName());
    p.setString(13, s.model());
    p.setString(14, s.provider());
    setLong(p, 15, s.inputTokens());
    setLong(p, 16, s.outputTokens());
    setDecimal(p, 17, s.costUsd());
    p.setString(18, s.inputPreview());
    p.setString(19, s.outputPreview());
    p.setString(20, s.inputRef());
    p.setString(21, s.outputRef());
    p.setString(22, s.errorType());
    p.setString(23, s.errorMessage());
    p.setString(24, attributes(s.attributes()));
    p.setString(25, s.capturePolicy() == null ? null : s.capturePolicy().name());
  }

  private static void bindTrace(PreparedStatement p, TraceRecord t) throws SQLException {
    p.setString(1, t.traceId());
    p.setString(2, t.name());
    p.setString(3, t.serviceName());
    p.setObject(4, time(t.startTime()));
    if (t.endTime() == null) {
      p.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE);
      p.setNull(6, Types.DOUBLE);
    } else {
      p.setObject(5, time(t.endTime()));
      p.setDouble(6, t.durationMs());
    }
    p.setString(7, t.status());
    p.setString(8, t.rootSpanId());
    p.setInt(9, t.spanCount());
    p.setInt(10, t.errorCount());
    p.setLong(11, t.inputTokens());
    p.setLong(12, t.outputTokens());
    setDecimal(p, 13, t.costUsd());
    p.setInt(14, t.droppedSpans());
  }

  private static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static void setLong(PreparedStatement p, int index, Long value) throws SQLException {
    if (value == null) {
      p.setNull(index, Types.BIGINT);
    } else {
      p.setLong(index, value);
    }
  }

  private static void setDecimal(PreparedStatement p, int index, Double value) throws SQLException {
    if (value == null) {
      p.setNull(index, Types.DECIMAL);
    } else {
      p.setBigDecimal(index, java.math.BigDecimal.valueOf(value));
    }
  }

  private String attributes(Map<String, Object> attributes) {
    if (attributes == null || attributes.isEmpty()) {
      return null;
    }
    try {
      return json.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("attributes are strings, numbers and booleans", e);
    }
  }

  @Override
  public TracePruner.Removed prune(Instant cutoff, int maxTraces) throws SQLException {
    Connection c = connection();
    try {
      return new TracePruner(c).pruneBatch(cutoff, maxTraces);
    } catch (SQLException | RuntimeException e) {
      abandon(c);
      throw e;
    }
  }

  /** Forces everything committed so far to disk: {@code flush()} promises it survives kill -9. */
  @Override
  public void sync() throws SQLException {
    if (commitsLost) {
      commitsLost = false;
      throw new SQLException("the trace database failed before its last commits were synced; they may not be on disk");
    }
    if (connection == null || file == null) {
      return;
    }
    try (Statement st = connection.createStatement()) {
      st.execute("CHECKPOINT SYNC");
      unsyncedCommits = false;
    } catch (SQLException | RuntimeException | Error e) {
      abandon(connection);
      // This exception reports the lost commits; the writer now writes them again and syncs, and
      // that sync must not fail once more for the same loss.
      commitsLost = false;
      throw e;
    }
  }

  /**
   * Closes the connection. A file this process alone has open, with less than half of its chunk
   * space live (commits leave dead B-tree pages behind faster than H2 reuses them), is compacted
   * first if it is at most {@link #COMPACT_ON_CLOSE_MAX_BYTES}: H2 rewrites it into a new file and
   * renames it, at about 60 MB a second, so a kill during that loses nothing. Larger files are left
   * to {@code tracewright prune}, which compacts without a size limit.
   */
  @Override
  public void close() {
    Connection c = connection;
    if (c != null && file != null) {
      compactIfMostlyDead(c);
    }
    closeConnection();
  }

  private void compactIfMostlyDead(Connection c) {
    try (Statement st = c.createStatement()) {
      long size = 0;
      int fillRate = 100;
      try (ResultSet rs = st.executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
          + " WHERE SETTING_NAME IN ('info.FILE_SIZE', 'info.CHUNKS_FILL_RATE')")) {
        while (rs.next()) {
          if (rs.getString(1).equals("info.FILE_SIZE")) {
            size = Long.parseLong(rs.getString(2));
          } else {
            fillRate = Integer.parseInt(rs.getString(2));
          }
        }
      }
      if (fillRate >= 50 || size > COMPACT_ON_CLOSE_MAX_BYTES || size == 0) {
        return;
      }
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
        rs.next();
        if (rs.getLong(1) != 1) {
          return; // another connection (this JVM's, or a process's through AUTO_SERVER) would be cut off
        }
      }
      c.rollback(); // nothing is pending after the writer's last sync; this only ends the read transaction
      st.execute("SHUTDOWN COMPACT");
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.DEBUG, "compacting the trace database on close was skipped: " + LogSafe.describe(e));
    }
  }

  private void closeConnection() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException e) {
        LOG.log(Level.WARNING, "closing the trace database failed: " + LogSafe.describe(e));
      }
    }
  }

  /**
   * A new connection of the caller's own, to read with (replay reads a recorded trace through it);
   * the caller closes it. The writer's connection stays the writer's.
   */
  public Connection openReadConnection() throws SQLException {
    Connection c = DriverManager.getConnection(url, user, password);
    c.setReadOnly(true);
    return c;
  }

  /** The open connection, connecting (and creating or migrating the schema) if needed. */
  public Connection connection() throws SQLException {
    if (connection != null) {
      return connection;
    }
    if (file != null) {
      prepareDirectory(file.getParent());
    }
    Connection c = openSchema();
    try {
      c.setAutoCommit(false);
      insertSpan = c.prepareStatement("INSERT INTO spans (" + SPAN_COLUMNS + ")" + SPAN_VALUES);
      insertEvent = c.prepareStatement("INSERT INTO span_events (span_id, seq, time, name, attributes) VALUES (?,?,?,?,?)");
      mergeTrace =
          c.prepareStatement(
              "MERGE INTO traces (trace_id, name, service_name, start_time, end_time, duration_ms, status,"
                  + " root_span_id, span_count, error_count, input_tokens, output_tokens, cost_usd, dropped_spans)"
                  + " KEY (trace_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      // Only if the trace has no row yet: its final row, possibly from another process, wins.
      insertStartedTrace =
          c.prepareStatement(
              "INSERT INTO traces (trace_id, name, service_name, start_time, end_time, duration_ms, status,"
                  + " root_span_id, span_count, error_count, input_tokens, output_tokens, cost_usd, dropped_spans)"
                  + " SELECT ?,?,?,?,?,?,?,?,?,?,?,?,?,? WHERE NOT EXISTS (SELECT 1 FROM traces WHERE trace_id = ?)");
      mergeBlob =
          c.prepareStatement("MERGE INTO blobs (hash, size_bytes, media_type, content, ref_count) KEY (hash) VALUES (?,?,?,?,?)");
      addReferences = c.prepareStatement("UPDATE blobs SET ref_count = ref_count + ? WHERE hash = ?");
      lockBlobs = c.prepareStatement(TracePruner.LOCK_BLOBS);
      lockTraces = c.prepareStatement("SELECT trace_id, name, start_time, status, duration_ms, input_tokens, output_tokens, cost_usd"
          + " FROM traces WHERE trace_id = ANY(?) FOR UPDATE");
      markFailed = c.prepareStatement("UPDATE traces SET has_error = TRUE WHERE trace_id = ? AND NOT has_error");
      addWords = c.prepareStatement(ContentWords.ADD);
      setLabels = c.prepareStatement("UPDATE traces SET session_id = ?, user_id = ? WHERE trace_id = ?");
      mergeTag = c.prepareStatement("MERGE INTO trace_tags (tag, trace_id) KEY (tag, trace_id) VALUES (?, ?)");
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    connection = c;
    if (file != null) {
      restrictFiles(file);
    }
    return c;
  }

  /**
   * Connects and creates or migrates the schema. A file H2 calls corrupt, or one that lost tables
   * its schema version says it has, is moved aside and a new file is started (warned once per
   * move): otherwise nothing would ever be recorded again. See {@link DamagedFile}.
   */
  private Connection openSchema() throws SQLException {
    Path data = file == null ? null : dataFile(file);
    Object identity = data == null ? null : DamagedFile.identity(data);
    try {
      return connectAndMigrate();
    } catch (SQLException e) {
      if (data == null || !DamagedFile.isDamage(e)) {
        throw e;
      }
      Path aside;
      try {
        aside = DamagedFile.moveAside(data, identity);
      } catch (IOException move) {
        e.addSuppressed(move);
        throw e;
      }
      if (aside != null) {
        LOG.log(Level.WARNING, "Tracewright's trace database " + data + " is damaged (" + LogSafe.describe(e)
            + "); it was moved to " + aside + " (H2's Recover tool may get traces back from it) and a new one was started");
      }
      return connectAndMigrate();
    }
  }

  private Connection connectAndMigrate() throws SQLException {
    Connection c = DriverManager.getConnection(url, user, password);
    try {
      DamagedFile.requireTablesOfItsVersion(c);
      Schema.migrate(c);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Rolls back and drops the connection after any failure; the next write reconnects (the writer
   * retries with backoff). The connection is never trusted again: after a disk-full episode or a
   * broken AUTO_SERVER link, H2 can keep a dead session that still reports itself valid.
   */
  private void abandon(Connection c) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException ignored) {
      // the connection may be what failed
    }
    commitsLost |= unsyncedCommits && file != null;
    unsyncedCommits = false;
    closeConnection();
  }

  private static void prepareDirectory(Path dir) throws SQLException {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    try {
      if (posix(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new SQLException("cannot create the trace directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** H2 creates its files with the process umask; traces may hold prompts, so owner-only. */
  static void restrictFiles(Path base) {
    Path dir = base.getParent();
    if (dir == null || !posix(dir)) {
      return;
    }
    String prefix = base.getFileName() + ".";
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().startsWith(prefix))::iterator) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot make trace files owner-only in " + dir + ": " + e.getMessage());
    }
  }

  private static boolean posix(Path dir) {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    try {
      return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "H2Store[" + (file != null ? dataFile(file) : url) + "]";
  }
}
