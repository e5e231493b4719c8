package dev.tracewright.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.capture.PricingTable;
import org.h2.api.ErrorCode;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.LoopbackOnly;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.Schema;
import dev.tracewright.runtime.store.ContentWords;
import dev.tracewright.runtime.store.TraceLabels;
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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The read model of a trace database, shared by the CLI, the UI and the report, so each figure
 * comes from one query. Every read walks an index and touches only the rows it returns (a page of
 * traces, one trace's spans and events), so it costs the same on a database of ten million spans
 * as on one of ten thousand.
 *
 * <p>Opens an existing file only, read-only (nothing rewrites it), and while an agent writes it
 * through that agent's AUTO_SERVER. JSON is read into plain maps (no polymorphic typing, ever).
 */
public final class TraceDb implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  /** How long to wait for a database another process is opening or handing over. */
  static final Duration OPEN_WAIT = Duration.ofSeconds(10);

  private final Connection connection;
  private final Path base;
  private final boolean exclusive;
  private PricingTable pricing = PricingTable.bundled();

  private TraceDb(Connection connection, Path base) {
    this(connection, base, false);
  }

  private TraceDb(Connection connection, Path base, boolean exclusive) {
    this.connection = connection;
    this.base = base;
    this.exclusive = exclusive;
  }

  /**
   * Opens the database to change it (prune): on its own when no other process has it, so it can be
   * compacted afterwards; else through the owner's AUTO_SERVER.
   */
  public static TraceDb openForMaintenance(Path path) {
    open(path).close(); // the same checks, messages and schema upgrade as a reader
    Path base = H2Store.basePath(path);
    try {
      Connection c = DriverManager.getConnection(H2Store.fileUrl(base, false, true), H2Store.DEFAULT_USER, "");
      return new TraceDb(c, base, true);
    } catch (SQLException e) {
      if (e.getErrorCode() != ErrorCode.DATABASE_ALREADY_OPEN_1) {
        throw new CliException(openFailure(H2Store.dataFile(base), e));
      }
      return new TraceDb(connect(base, true), base, false);
    }
  }

  /** True when no other process has the database open (then it may be compacted). */
  public boolean exclusive() {
    return exclusive;
  }

  /** Opens the database at {@code path} for reading; a missing or unreadable one is a {@link CliException}. */
  public static TraceDb open(Path path) {
    return open(path, false);
  }

  /**
   * Opens the database at {@code path}; {@code writable} only for commands that change it (prune).
   * An older schema is upgraded first, as the runtime would when it next opens the file.
   */
  public static TraceDb open(Path path, boolean writable) {
    LoopbackOnly.ensure();
    Path base = H2Store.basePath(path);
    Path data = H2Store.dataFile(base);
    if (!Files.isRegularFile(data)) {
      throw new CliException("no trace database at " + data + " (run an agent with Tracewright.initLocal() first, or pass --db)");
    }
    try {
      if (data.toFile().length() == 0) {
        throw new CliException(data + " is empty: no trace was recorded yet (the agent may have stopped before its first span was written)");
      }
    } catch (SecurityException e) {
      throw new CliException("cannot read " + data + ": " + e.getMessage());
    }
    if (!Files.exists(base.resolveSibling(base.getFileName() + ".lock.db")) && CutShortFile.isCutShort(data)) {
      throw new CliException(corrupt(data)); // H2 would open it at an older version and say nothing
    }
    TraceDb db = new TraceDb(connect(base, writable), base);
    try {
      int version = db.schemaVersion();
      if (version < Schema.currentVersion()) {
        db.close();
        try {
          upgrade(base, version);
        } catch (CliException e) {
          if (writable || version < READABLE_WITHOUT_UPGRADE) {
            throw e;
          }
          // A read-only v3 file (an archived copy, say) lacks only v4's column: read it as it is.
        }
        db = new TraceDb(connect(base, writable), base);
      }
      return db;
    } catch (SQLException e) {
      db.close();
      throw new CliException("cannot read trace database " + data + ": " + firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Read-only and embedded when nobody has the file open, so reading never rewrites it; through the
   * owner's AUTO_SERVER when an agent has it open. Retries while another process opens the file or
   * hands its server over (an agent starting or stopping), then gives up with one line.
   */
  private static Connection connect(Path base, boolean writable) {
    long deadline = System.nanoTime() + OPEN_WAIT.toNanos();
    SQLException last = null;
    boolean viaServer = false;
    while (true) {
      try {
        String url = viaServer || writable ? H2Store.fileUrl(base, true, true) : readOnlyUrl(base);
        return DriverManager.getConnection(url, H2Store.DEFAULT_USER, "");
      } catch (SQLException e) {
        last = e;
        boolean readOnly = !viaServer && !writable;
        if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1 && readOnly) {
          viaServer = true; // an agent has it: read through its server
          continue;
        }
        if (e.getErrorCode() == ErrorCode.DATABASE_IS_READ_ONLY && readOnly) {
          // H2 must rewrite a damaged file (one cut short, say) to open it, and this open may not write.
          throw new CliException(corrupt(H2Store.dataFile(base)));
        }
        if (!transientOpenFailure(e) || System.nanoTime() > deadline) {
          break;
        }
        viaServer = false;
        sleep();
      }
    }
    throw new CliException(openFailure(H2Store.dataFile(base), last));
  }

  /** Schema v4 added only {@code traces.total_tokens}, which only the tokens sort needs. */
  private static final int READABLE_WITHOUT_UPGRADE = 3;

  static String readOnlyUrl(Path base) {
    return "jdbc:h2:file:" + H2Store.basePath(base) + ";ACCESS_MODE_DATA=r;IFEXISTS=TRUE;TRACE_LEVEL_FILE=0";
  }

  /**
   * H2's lock-file races, which it reports as a fatal "Error opening database" (8000) though they pass
   * as soon as the other process has the file ("Lock file recently modified": it changed within the
   * last 2 s for 4 s running, as while an agent starts or another reader tries to take the lock).
   */
  private static final List<String> LOCK_FILE_RACES = List.of("Lock file recently modified", "Another process was faster", "Concurrent update");

  private static boolean transientOpenFailure(SQLException e) {
    int code = e.getErrorCode();
    return code == ErrorCode.DATABASE_ALREADY_OPEN_1
        || code == ErrorCode.CONNECTION_BROKEN_1
        || code == ErrorCode.DATABASE_IS_IN_EXCLUSIVE_MODE
        || code == ErrorCode.LOCK_TIMEOUT_1
        || (code == ErrorCode.ERROR_OPENING_DATABASE_1 && e.getMessage() != null
            && LOCK_FILE_RACES.stream().anyMatch(e.getMessage()::contains));
  }

  private static String openFailure(Path data, SQLException e) {
    int code = e.getErrorCode();
    if (code == ErrorCode.FILE_CORRUPTED_1) {
      return corrupt(data);
    }
    if (transientOpenFailure(e)) {
      return "trace database " + data + " is busy (another process is opening or closing it); tried for "
          + OPEN_WAIT.toSeconds() + " s: " + firstLine(e.getMessage());
    }
    return "cannot open trace database " + data + ": " + firstLine(e.getMessage());
  }

  private static String corrupt(Path data) {
    return data + " is not a readable H2 database (corrupt or truncated); it was left untouched";
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for the trace database");
    }
  }

  /** A database written by an older Tracewright gets the migrations the runtime would apply. */
  private static void upgrade(Path base, int from) {
    try (Connection c = connect(base, true)) {
      Schema.migrate(c);
    } catch (SQLException e) {
      throw new CliException("cannot upgrade trace database " + H2Store.dataFile(base) + " from schema version " + from + ": "
          + firstLine(e.getMessage()));
    }
  }

  /** The schema version; a file with no Tracewright tables is a {@link CliException} saying which case it is. */
  private int schemaVersion() throws SQLException {
    try (ResultSet rs = connection.getMetaData().getTables(null, "PUBLIC", "SPANS", null)) {
      if (rs.next()) {
        try (Statement st = connection.createStatement()) {
          return Schema.version(st);
        }
      }
    }
    try (ResultSet any = connection.getMetaData().getTables(null, "PUBLIC", null, new String[] {"TABLE"})) {
      throw new CliException(any.next()
          ? H2Store.dataFile(base) + " is an H2 database but not a Tracewright trace database"
          : H2Store.dataFile(base) + " holds no traces yet: no span was recorded before the agent stopped");
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

  private Boolean hasRollups;
  private Boolean hasErrorFlag;

  /** Whether the file keeps rollups (schema 7 and later; an older file opened read-only has none). */
  public boolean hasRollups() throws SQLException {
    if (hasRollups == null) {
      hasRollups = hasTable("SPAN_ROLLUPS");
    }
    return hasRollups;
  }

  /** Whether traces have their indexed {@code has_error} flag (schema 8 and later). */
  boolean hasErrorFlag() throws SQLException {
    if (hasErrorFlag == null) {
      hasErrorFlag = hasColumn("TRACES", "HAS_ERROR");
    }
    return hasErrorFlag;
  }

  private boolean hasColumn(String table, String column) throws SQLException {
    try (ResultSet rs = connection.getMetaData().getColumns(null, "PUBLIC", table, column)) {
      return rs.next();
    }
  }

  private Boolean hasLabels;

  /** Whether the file has sessions, users and tags (schema 9 and later). */
  boolean hasLabels() throws SQLException {
    if (hasLabels == null) {
      hasLabels = hasTable("TRACE_TAGS");
    }
    return hasLabels;
  }

  /**
   * The session, user and tags of each of these traces that has any ({@code Tracewright.session/
   * user/tag}): primary-key reads of their rows and one read of {@code trace_tags} through its trace
   * index; none in a file from before schema 9.
   */
  public Map<String, TraceLabels> labels(List<String> traceIds) throws SQLException {
    Map<String, TraceLabels> out = new LinkedHashMap<>();
    List<Object> ids = new ArrayList<>(traceIds.stream().filter(java.util.Objects::nonNull).distinct().toList());
    if (ids.isEmpty() || !hasLabels()) {
      return out;
    }
    String in = "?,".repeat(ids.size() - 1) + "?";
    Map<String, String[]> people = new LinkedHashMap<>();
    select("SELECT trace_id, session_id, user_id FROM traces WHERE trace_id IN (" + in + ") AND (session_id IS NOT NULL OR user_id IS NOT NULL)",
        rs -> people.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)}), ids);
    Map<String, List<String>> tags = new LinkedHashMap<>();
    select("SELECT trace_id, tag FROM trace_tags WHERE trace_id IN (" + in + ") ORDER BY trace_id, tag",
        rs -> tags.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)), ids);
    for (Object id : ids) {
      String[] p = people.get(id);
      List<String> t = tags.getOrDefault(id, List.of());
      if (p != null || !t.isEmpty()) {
        out.put((String) id, new TraceLabels(p == null ? null : p[0], p == null ? null : p[1], t));
      }
    }
    return out;
  }

  private boolean hasTable(String name) throws SQLException {
    try (ResultSet rs = connection.getMetaData().getTables(null, "PUBLIC", name, null)) {
      return rs.next();
    }
  }

  /** The prices for spans stored without a cost (see {@link LateCost}); the bundled table unless set. */
  public TraceDb pricing(PricingTable table) {
    this.pricing = java.util.Objects.requireNonNull(table, "table");
    return this;
  }

  public PricingTable pricing() {
    return pricing;
  }

  /**
   * The trace with the spans stored without a cost priced now where the table knows their model,
   * and the rest counted in {@code unpricedCalls}: one read of the trace's spans through its index.
   */
  public TraceRecord withLateCosts(TraceRecord t) throws SQLException {
    List<Double> costs = select(
        "SELECT model, input_tokens, output_tokens, attributes FROM spans WHERE trace_id = ? AND cost_usd IS NULL AND input_tokens IS NOT NULL",
        rs -> {
          Map<String, Object> attributes = json(rs.getString("attributes"));
          if (LateCost.replayed(attributes)) {
            return 0.0; // answered from a recording: nothing spent
          }
          Double usd = LateCost.price(pricing, rs.getString("model"), nullableLong(rs, "input_tokens"), nullableLong(rs, "output_tokens"), attributes);
          return usd == null ? Double.NaN : usd;
        },
        List.of(t.traceId()));
    if (costs.isEmpty()) {
      return t;
    }
    Double total = t.costUsd();
    int unpriced = 0;
    for (double c : costs) {
      if (Double.isNaN(c)) {
        unpriced++;
      } else if (c > 0) {
        total = total == null ? c : total + c;
      }
    }
    return t.withCost(total, unpriced);
  }

  /** The span with a cost from the table when it was stored without one and the table knows its model. */
  SpanRecord withLateCost(SpanRecord s) {
    if (!LateCost.lacksCost(s)) {
      return s;
    }
    Double usd = LateCost.price(pricing, s.model(), s.inputTokens(), s.outputTokens(), s.attributes());
    return usd == null ? s : new SpanRecord(s.spanId(), s.traceId(), s.parentSpanId(), s.name(), s.kind(), s.status(), s.startTime(),
        s.endTime(), s.durationNanos(), s.codeNamespace(), s.codeFunction(), s.threadName(), s.model(), s.provider(), s.inputTokens(),
        s.outputTokens(), usd, s.inputPreview(), s.outputPreview(), s.inputRef(), s.outputRef(), s.errorType(), s.errorMessage(),
        s.attributes(), s.capturePolicy());
  }

  public Path dataFile() {
    return H2Store.dataFile(base);
  }

  /** A page of traces, newest first, with the filters of {@code query}; running and crashed traces included. */
  public List<TraceRecord> traces(TraceQuery query) throws SQLException {
    Sql page = tracesSql(query);
    if (page == null) {
      return List.of(); // no span name holds the text: nothing to scan for
    }
    List<TraceRecord> rows = select(page.text(), TraceDb::trace, page.params());
    List<TraceRecord> out = new ArrayList<>(rows.size());
    for (TraceRecord t : rows) {
      out.add(withLateCosts(t.isIncomplete() ? withTotalsFromSpans(t) : t));
    }
    return out;
  }

  /** A statement and its parameters. */
  record Sql(String text, List<Object> params) {}

  /** H2's plan for the page {@link #traces} would read (which indexes it walks), for tests. */
  String plan(TraceQuery query) throws SQLException {
    Sql page = tracesSql(query);
    return page == null ? "" : String.join("\n", select("EXPLAIN " + page.text(), rs -> rs.getString(1), page.params()));
  }

  /** The query of a page of traces; null when it can have no row. */
  private Sql tracesSql(TraceQuery query) throws SQLException {
    if (query.byLabel() && !hasLabels()) {
      return null; // a file from before schema 9, read as it is: nothing in it was tagged
    }
    List<String> spanNames = null;
    if (query.spanText() != null) {
      spanNames = namesContaining("spans", query.spanText());
      if (spanNames != null && spanNames.isEmpty()) {
        return null;
      }
    }
    // A name filter matches every trace name containing its text: those names, listed from the name
    // index (one entry per distinct name), are then looked up as the exact names they are.
    List<String> names = null;
    if (query.name() != null) {
      names = namesContaining("traces", query.name());
      if (names != null && names.isEmpty()) {
        return null;
      }
    }
    // A rare name (or none at all) is read through its own index; a common one by walking traces
    // newest first, which stops at the page's last row. Sorting every trace of a common name cost
    // 2.9 s on 10 M spans; scanning for a name that no trace has would read them all.
    boolean rareName = names != null && rare("SELECT 1 FROM traces m WHERE " + nameIn(names), names.toArray());
    boolean rareModel = query.model() != null && rare("SELECT 1 FROM spans m WHERE m.model = ?", query.model());
    boolean rareSpanName = spanNames != null && rare("SELECT 1 FROM spans m WHERE " + nameIn(spanNames), spanNames.toArray());
    // Sessions, users and tags the same way: a session's few traces through traces_by_session, a
    // tag's through trace_tags' key; a user with many traces by walking traces newest first.
    boolean rareSession = query.session() != null && rare("SELECT 1 FROM traces WHERE session_id = ?", query.session());
    boolean rareUser = query.user() != null && rare("SELECT 1 FROM traces WHERE user_id = ?", query.user());
    boolean rareTag = query.tag() != null && rare("SELECT 1 FROM trace_tags WHERE tag = ?", query.tag());
    boolean anyRare = rareName || rareModel || rareSpanName || rareSession || rareUser || rareTag;
    boolean commonColumn = (query.name() != null && !rareName) || (query.session() != null && !rareSession)
        || (query.user() != null && !rareUser);
    // Few traces with errors (the usual case): read them through their flag's index and sort those,
    // rather than walk every trace newest first looking for one. Many (a third of 500 k traces):
    // walk newest first, which soon fills the page; H2 left to itself read all of them through the
    // flag's index and sorted them (2.8 s on 10 M spans).
    boolean anyError = query.status() == TraceQuery.Status.ANY_ERROR && hasErrorFlag();
    boolean rareErrors = anyError && !anyRare && rare("SELECT 1 FROM traces WHERE has_error");
    commonColumn |= anyError && !rareErrors;
    TraceQuery.Sort sort = query.sort();
    StringBuilder sql = new StringBuilder(rareErrors
        ? "SELECT * FROM traces t USE INDEX (traces_by_error) WHERE 1 = 1"
        : sort == TraceQuery.Sort.NEWEST && commonColumn && !anyRare
        ? "SELECT * FROM traces t USE INDEX (traces_by_time) WHERE 1 = 1"
        : "SELECT * FROM traces t WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (query.before() != null) {
      after(sql, params, query);
    }
    if (query.since() != null) {
      sql.append(" AND t.start_time >= ?");
      params.add(time(query.since()));
    }
    if (query.until() != null) {
      sql.append(" AND t.start_time < ?");
      params.add(time(query.until()));
    }
    if (names != null) {
      sql.append(" AND ").append(nameIn(names).replace("m.name", "t.name"));
      params.addAll(names);
    } else if (query.name() != null) {
      sql.append(" AND LOWER(t.name) LIKE ? ESCAPE '\\'");
      params.add("%" + likeEscaped(query.name().toLowerCase(Locale.ROOT)) + "%");
    }
    switch (query.status()) {
      case FAILED -> sql.append(" AND t.status = 'ERROR'");
      case INCOMPLETE -> sql.append(" AND t.status = 'INCOMPLETE'");
      case ANY_ERROR -> sql.append(hasErrorFlag()
          ? " AND t.has_error" // the writer's flag, through traces_by_error: sparse errors cost what they return
          : " AND (t.status = 'ERROR' OR t.error_count > 0 OR (t.status = 'INCOMPLETE'"
              + " AND EXISTS (SELECT 1 FROM spans e WHERE e.trace_id = t.trace_id AND e.status = 'ERROR')))");
      case ALL -> { }
    }
    if (query.session() != null) {
      sql.append(" AND t.session_id = ?");
      params.add(query.session());
    }
    if (query.user() != null) {
      sql.append(" AND t.user_id = ?");
      params.add(query.user());
    }
    if (query.tag() != null) {
      // Rare: the tag's traces from the key's range; common: a key lookup for each trace walked.
      sql.append(rareTag
          ? " AND t.trace_id IN (SELECT g.trace_id FROM trace_tags g WHERE g.tag = ?)"
          : " AND EXISTS (SELECT 1 FROM trace_tags g WHERE g.tag = ? AND g.trace_id = t.trace_id)");
      params.add(query.tag());
    }
    if (query.model() != null) {
      spanFilter(sql, params, "m.model = ?", List.of(query.model()), rareModel);
    }
    if (spanNames != null) {
      spanFilter(sql, params, nameIn(spanNames), spanNames, rareSpanName);
    } else if (query.spanText() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM spans n WHERE n.trace_id = t.trace_id AND LOWER(n.name) LIKE ? ESCAPE '\\')");
      params.add("%" + likeEscaped(query.spanText().toLowerCase(Locale.ROOT)) + "%");
    }
    if (query.text() != null) {
      contentFilter(sql, params, query.text());
    }
    sql.append(switch (sort) {
      case NEWEST -> " ORDER BY t.start_time DESC, t.trace_id DESC";
      case OLDEST -> " ORDER BY t.start_time, t.trace_id";
      default -> " ORDER BY " + sortKey(sort, "t.") + " DESC NULLS LAST, t.start_time DESC, t.trace_id DESC"; // as its index
    });
    sql.append(" LIMIT ?");
    params.add(query.limit());
    return new Sql(sql.toString(), params);
  }

  /**
   * The keyset condition for the page after the query's cursor trace: by (start time, ID) for the
   * time orders; for a measure, by (measure, start time, ID) with traces that have no value (still
   * running, never priced) last, the cursor's value read from its row.
   */
  private void after(StringBuilder sql, List<Object> params, TraceQuery query) throws SQLException {
    Object when = time(query.before());
    String id = query.beforeId();
    TraceQuery.Sort sort = query.sort();
    if (sort == TraceQuery.Sort.NEWEST || sort == TraceQuery.Sort.OLDEST) {
      String cmp = sort == TraceQuery.Sort.NEWEST ? "<" : ">";
      sql.append(" AND (t.start_time ").append(cmp).append(" ? OR (t.start_time = ? AND t.trace_id ").append(cmp).append(" ?))");
      params.addAll(List.of(when, when, id));
      return;
    }
    String column = sortKey(sort, "t.");
    List<Object> value = select("SELECT " + sortKey(sort, "") + " FROM traces WHERE trace_id = ?", rs -> rs.getObject(1), List.of(id));
    Object key = value.isEmpty() ? null : value.get(0);
    String tie = "(t.start_time < ? OR (t.start_time = ? AND t.trace_id < ?))";
    if (key == null) {
      sql.append(" AND ").append(column).append(" IS NULL AND ").append(tie);
      params.addAll(List.of(when, when, id));
    } else {
      sql.append(" AND (").append(column).append(" < ? OR (").append(column).append(" = ? AND ").append(tie).append(") OR ")
          .append(column).append(" IS NULL)");
      params.addAll(List.of(key, key, when, when, id));
    }
  }

  private Boolean hasTotalTokens;

  /** The sorted measure's column; tokens need schema v4's column, which the read-only CLI cannot add. */
  private String sortKey(TraceQuery.Sort sort, String alias) throws SQLException {
    if (sort == TraceQuery.Sort.TOKENS) {
      if (hasTotalTokens == null) {
        hasTotalTokens = hasColumn("TRACES", "TOTAL_TOKENS");
      }
      if (!hasTotalTokens) {
        // Summing per row and sorting every trace took 33 s and 3.5 GB on 10 M spans: refuse instead.
        throw new CliException("sorting by tokens needs the tokens column of schema v4, which " + dataFile()
            + " does not have and could not be given here (is it read-only?): it is added when a Tracewright agent"
            + " or this command opens the file where it can write it (until then, sort by cost)");
      }
    }
    return alias + sort.column;
  }

  /** Below this many matching rows a filter is "rare": read through its index, not by walking traces. */
  static final int RARE = 5_000;

  /** Whether {@code select} (one parameter, on an indexed column) has fewer than {@link #RARE} rows; an index range, at most RARE rows read. */
  private boolean rare(String select, Object... values) throws SQLException {
    List<Object> params = new ArrayList<>(List.of(values));
    params.add(RARE);
    return select("SELECT COUNT(*) FROM (" + select + " LIMIT ?)", rs -> rs.getLong(1), params).get(0) < RARE;
  }

  /**
   * Traces with a span matching {@code condition} (over alias {@code m}): for a rare match, the IDs
   * of the traces those spans are in (read through the spans' index); for a common one, a check on
   * each trace walked newest first, which soon fills the page.
   */
  private static void spanFilter(StringBuilder sql, List<Object> params, String condition, List<String> values, boolean rare) {
    if (rare) {
      sql.append(" AND t.trace_id IN (SELECT m.trace_id FROM spans m WHERE ").append(condition).append(")");
    } else {
      sql.append(" AND EXISTS (SELECT 1 FROM spans m WHERE m.trace_id = t.trace_id AND ").append(condition).append(")");
    }
    params.addAll(values);
  }

  /**
   * Traces whose stored content contains {@code phrase}, case-insensitive: those whose words filter
   * ({@link ContentWords}) holds every word of it, one {@code BITAND} a trace, and of those the ones
   * where an input, an output (preview or full) or an error message holds the phrase as stored.
   */
  private void contentFilter(StringBuilder sql, List<Object> params, String phrase) throws SQLException {
    if (!ContentWords.hasWords(phrase)) {
      throw new CliException("'" + TerminalText.escape(phrase) + "' has no word to search for: give letters or digits");
    }
    if (hasContentWords()) {
      String mask = "CAST(? AS VARBINARY(" + ContentWords.BYTES + "))";
      sql.append(" AND BITAND(t.content_words, ").append(mask).append(") = ").append(mask);
      byte[] words = ContentWords.of(phrase);
      params.add(words);
      params.add(words);
    }
    String like = "LIKE ? ESCAPE '\\'";
    sql.append(" AND EXISTS (SELECT 1 FROM spans v WHERE v.trace_id = t.trace_id AND (LOWER(v.input_preview) ").append(like)
        .append(" OR LOWER(v.output_preview) ").append(like).append(" OR LOWER(v.error_message) ").append(like)
        .append(" OR EXISTS (SELECT 1 FROM blobs b WHERE b.hash = v.input_ref AND LOWER(b.content) ").append(like).append(')')
        .append(" OR EXISTS (SELECT 1 FROM blobs b WHERE b.hash = v.output_ref AND LOWER(b.content) ").append(like).append(")))");
    String pattern = "%" + likeEscaped(phrase.trim().toLowerCase(Locale.ROOT)) + "%";
    for (int i = 0; i < 5; i++) {
      params.add(pattern);
    }
  }

  private Boolean hasContentWords;

  /** Whether traces have their words filter (schema 10 and later; an older file opened read-only has none, and is searched by reading content). */
  private boolean hasContentWords() throws SQLException {
    if (hasContentWords == null) {
      hasContentWords = hasColumn("TRACES", "CONTENT_WORDS");
    }
    return hasContentWords;
  }

  private static String nameIn(List<String> names) {
    return "m.name IN (" + String.join(", ", java.util.Collections.nCopies(names.size(), "?")) + ")";
  }

  /** Above this many distinct names, a name or span-text filter falls back to LIKE on every row. */
  static final int MAX_NAMES = 10_000;

  /**
   * The distinct names in {@code table} ({@code traces} or {@code spans}) that contain {@code text}
   * (case-insensitive), read through its name index (H2 reads one entry per distinct name); null
   * when there are too many names to list.
   */
  private List<String> namesContaining(String table, String text) throws SQLException {
    List<String> names = select("SELECT DISTINCT name FROM " + table + " LIMIT ?", rs -> rs.getString(1), List.of(MAX_NAMES + 1));
    if (names.size() > MAX_NAMES) {
      return null;
    }
    String wanted = text.toLowerCase(Locale.ROOT);
    return names.stream().filter(n -> n != null && n.toLowerCase(Locale.ROOT).contains(wanted)).toList();
  }

  private static String likeEscaped(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** The trace whose ID starts with {@code prefix}; none or several is a {@link CliException}. */
  public TraceRecord trace(String prefix) throws SQLException {
    String p = prefix.trim().toLowerCase(Locale.ROOT);
    List<TraceRecord> found = tracesStartingWith(p);
    if (found.isEmpty()) {
      throw new CliException("no trace with ID starting '" + p + "' in " + dataFile() + " (see: tracewright list)");
    }
    if (found.size() > 1) {
      throw new CliException("'" + p + "' matches several traces (" + String.join(", ",
          found.stream().limit(5).map(t -> t.traceId().substring(0, 16)).toList()) + (found.size() > 5 ? ", ..." : "") + "); give more digits");
    }
    TraceRecord t = found.get(0);
    return withLateCosts(t.isIncomplete() ? withTotalsFromSpans(t) : t);
  }

  /**
   * Up to six traces whose ID starts with {@code prefix} (as stored: an INCOMPLETE one without its
   * totals), so a caller can tell none from several; a prefix that is not hex is a {@link CliException}.
   */
  public List<TraceRecord> tracesStartingWith(String prefix) throws SQLException {
    String p = prefix.trim().toLowerCase(Locale.ROOT);
    if (!p.matches("[0-9a-f]{1,32}")) {
      throw new CliException("'" + TerminalText.escape(prefix) + "' is not a trace ID: expected up to 32 hex digits");
    }
    // A prefix range on the primary key: an index seek, not a scan.
    return select("SELECT * FROM traces WHERE trace_id >= ? AND trace_id <= ? ORDER BY trace_id LIMIT 6",
        TraceDb::trace, List.of(p, p + "g"));
  }

  /** The trace with exactly this ID, with totals from its spans while it is INCOMPLETE. */
  public TraceRecord withTotals(TraceRecord t) throws SQLException {
    return withLateCosts(t.isIncomplete() ? withTotalsFromSpans(t) : t);
  }

  /**
   * An INCOMPLETE trace's row has no end or totals (its root has not ended): they come from its
   * spans, through the trace index.
   */
  private TraceRecord withTotalsFromSpans(TraceRecord t) throws SQLException {
    String sql = "SELECT MAX(end_time) AS end_time, COUNT(*) AS span_count,"
        + " SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END) AS error_count,"
        + " COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens,"
        + " SUM(cost_usd) AS cost_usd FROM spans WHERE trace_id = ?";
    return select(sql, rs -> {
      Instant end = instant(rs, "end_time");
      Instant finish = end == null || end.isBefore(t.startTime()) ? t.startTime() : end;
      return new TraceRecord(t.traceId(), t.name(), t.serviceName(), t.startTime(), finish,
          java.time.Duration.between(t.startTime(), finish).toNanos(), TraceRecord.INCOMPLETE, t.rootSpanId(),
          rs.getInt("span_count"), rs.getInt("error_count"), rs.getLong("input_tokens"), rs.getLong("output_tokens"),
          decimal(rs, "cost_usd"));
    }, List.of(t.traceId())).get(0);
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

  /** Spans of a trace by start time. */
  public List<SpanRecord> spans(String traceId) throws SQLException {
    return spans(traceId, Integer.MAX_VALUE);
  }

  /** The first {@code limit} spans of a trace by start time. */
  public List<SpanRecord> spans(String traceId, int limit) throws SQLException {
    return select("SELECT * FROM spans WHERE trace_id = ? ORDER BY start_time, span_id LIMIT ?", rs -> withLateCost(span(rs)), List.of(traceId, limit));
  }

  /** One span's place in its trace: what the tree order and the time axis need, nothing more. */
  public record SpanPlace(String spanId, String parentSpanId, long startNanos, long endNanos) {}

  /**
   * Every span of a trace as a {@link SpanPlace}, by start time: one walk of the trace index
   * reading four columns (a trace of 100,000 spans in a few hundred milliseconds).
   */
  public List<SpanPlace> spanPlaces(String traceId) throws SQLException {
    return select("SELECT span_id, parent_span_id, start_time, end_time FROM spans WHERE trace_id = ? ORDER BY start_time, span_id",
        rs -> new SpanPlace(rs.getString(1), rs.getString(2), nanos(instant(rs, "start_time")), nanos(instant(rs, "end_time"))),
        List.of(traceId));
  }

  private static long nanos(Instant t) {
    return t == null ? Long.MIN_VALUE : t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /**
   * Of these root spans, those that ran as a replay: span ID to the recorded trace it replayed (the
   * {@code tracewright.replay_of} attribute). Primary-key reads, one per span.
   */
  public Map<String, String> replayOf(List<String> rootSpanIds) throws SQLException {
    List<String> ids = rootSpanIds.stream().filter(java.util.Objects::nonNull).distinct().toList();
    Map<String, String> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    select("SELECT span_id, attributes FROM spans WHERE span_id IN (" + "?,".repeat(ids.size() - 1) + "?)"
        + " AND attributes LIKE '%tracewright.replay_of%'", rs -> {
          Object of = json(rs.getString(2)).get("tracewright.replay_of");
          if (of instanceof String s && !s.isEmpty()) {
            out.put(rs.getString(1), s);
          }
          return null;
        }, new ArrayList<>(ids));
    return out;
  }

  /** The input and output previews (as stored: redacted, cut) of these spans, by span ID; primary-key reads. */
  public Map<String, List<String>> previews(List<String> spanIds) throws SQLException {
    List<String> ids = spanIds.stream().filter(java.util.Objects::nonNull).distinct().toList();
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    select("SELECT span_id, input_preview, output_preview FROM spans WHERE span_id IN (" + "?,".repeat(ids.size() - 1) + "?)", rs -> {
      out.put(rs.getString(1), java.util.Arrays.asList(rs.getString(2), rs.getString(3)));
      return null;
    }, new ArrayList<>(ids));
    return out;
  }

  /** How many spans of a trace the database holds (a count over the trace index). */
  public int spanCount(String traceId) throws SQLException {
    return select("SELECT COUNT(*) FROM spans WHERE trace_id = ?", rs -> rs.getInt(1), List.of(traceId)).get(0);
  }

  /** The spans with these IDs (primary-key reads), in no particular order. */
  public List<SpanRecord> spansById(List<String> spanIds) throws SQLException {
    if (spanIds.isEmpty()) {
      return List.of();
    }
    return select("SELECT * FROM spans WHERE span_id IN (" + "?,".repeat(spanIds.size() - 1) + "?)", rs -> withLateCost(span(rs)),
        new ArrayList<>(spanIds));
  }

  /** The events of these spans, by span and sequence (primary-key reads). */
  public Map<String, List<EventRecord>> eventsOf(List<String> spanIds) throws SQLException {
    Map<String, List<EventRecord>> out = new LinkedHashMap<>();
    if (spanIds.isEmpty()) {
      return out;
    }
    List<EventRecord> all = select("SELECT * FROM span_events WHERE span_id IN (" + "?,".repeat(spanIds.size() - 1) + "?) ORDER BY span_id, seq",
        rs -> new EventRecord(rs.getString("span_id"), rs.getInt("seq"), instant(rs, "time"), rs.getString("name"), json(rs.getString("attributes"))),
        new ArrayList<>(spanIds));
    all.forEach(e -> out.computeIfAbsent(e.spanId(), k -> new ArrayList<>()).add(e));
    return out;
  }

  /** Events of every span of a trace, by span and sequence. */
  public Map<String, List<EventRecord>> events(String traceId) throws SQLException {
    return events(traceId, Integer.MAX_VALUE);
  }

  /** At most {@code limit} events of a trace's spans, by span and sequence. */
  public Map<String, List<EventRecord>> events(String traceId, int limit) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(
        "SELECT e.* FROM span_events e JOIN spans s ON s.span_id = e.span_id WHERE s.trace_id = ? ORDER BY e.span_id, e.seq LIMIT ?")) {
      st.setString(1, traceId);
      st.setInt(2, limit);
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

  /** Captured content, at most {@code maxChars} of it: the head of a larger blob. */
  public record Content(String hash, String mediaType, long sizeBytes, String text, boolean truncated) {}

  /** The first {@code maxChars} characters of the content stored under {@code hash}, or null. */
  public Content content(String hash, int maxChars) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(
        "SELECT media_type, size_bytes, SUBSTRING(content, 1, ?) FROM blobs WHERE hash = ?")) {
      st.setInt(1, maxChars + 1); // one more tells whether there is more
      st.setString(2, hash);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String text = rs.getString(3);
        boolean truncated = text.length() > maxChars;
        return new Content(hash, rs.getString(1), rs.getLong(2), truncated ? text.substring(0, maxChars) : text, truncated);
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
        Math.round(rs.getDouble("duration_ms") * 1_000_000), // 0 while INCOMPLETE: no duration yet
        rs.getString("status"),
        rs.getString("root_span_id"),
        rs.getInt("span_count"),
        rs.getInt("error_count"),
        rs.getLong("input_tokens"),
        rs.getLong("output_tokens"),
        decimal(rs, "cost_usd"),
        0,
        droppedSpans(rs));
  }

  /** traces.dropped_spans (schema 7); 0 in an older file read as it is. */
  private static int droppedSpans(ResultSet rs) throws SQLException {
    try {
      return rs.getInt(rs.findColumn("dropped_spans"));
    } catch (SQLException e) {
      return 0;
    }
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

  static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
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

  /** A span's attributes column as a map (an unreadable one as {@code $unreadable}). */
  static Map<String, Object> attributes(String text) {
    return json(text);
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
