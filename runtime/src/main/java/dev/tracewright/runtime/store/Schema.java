package dev.tracewright.runtime.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The trace database schema, which users query in the H2 console, so it is API. Tables change only
 * through numbered migrations recorded in {@code schema_version}; opening an older database applies
 * the missing ones in one transaction. Views and indexes are (re)created on every open, so improving
 * a view needs no migration.
 */
public final class Schema {
  /** One step of the schema's history. Never edit a released migration; add the next one. */
  public record Migration(int version, String description, List<String> statements, Step step) {
    public Migration(int version, String description, List<String> statements) {
      this(version, description, statements, c -> { });
    }
  }

  /** What a migration does in Java after its statements, in the same transaction (a backfill that must not hold everything in memory). */
  @FunctionalInterface
  public interface Step {
    void run(Connection connection) throws SQLException;
  }

  public static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(
              1,
              "traces, spans, span_events, blobs",
              List.of(
                  """
                  CREATE TABLE traces (
                    trace_id CHAR(32) PRIMARY KEY,
                    name CHARACTER VARYING NOT NULL,
                    service_name CHARACTER VARYING,
                    start_time TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                    end_time TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                    duration_ms DOUBLE PRECISION NOT NULL,
                    status CHARACTER VARYING(8) NOT NULL,
                    root_span_id CHAR(16) NOT NULL,
                    span_count INTEGER NOT NULL,
                    error_count INTEGER NOT NULL,
                    input_tokens BIGINT NOT NULL,
                    output_tokens BIGINT NOT NULL,
                    cost_usd DECIMAL(20, 10)
                  )""",
                  """
                  CREATE TABLE spans (
                    span_id CHAR(16) PRIMARY KEY,
                    trace_id CHAR(32) NOT NULL,
                    parent_span_id CHAR(16),
                    name CHARACTER VARYING NOT NULL,
                    kind CHARACTER VARYING(16) NOT NULL,
                    status CHARACTER VARYING(8) NOT NULL,
                    start_time TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                    end_time TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                    duration_ms DOUBLE PRECISION NOT NULL,
                    code_namespace CHARACTER VARYING,
                    code_function CHARACTER VARYING,
                    thread_name CHARACTER VARYING,
                    model CHARACTER VARYING,
                    provider CHARACTER VARYING,
                    input_tokens BIGINT,
                    output_tokens BIGINT,
                    cost_usd DECIMAL(20, 10),
                    input_preview CHARACTER VARYING,
                    output_preview CHARACTER VARYING,
                    input_ref CHAR(64),
                    output_ref CHAR(64),
                    error_type CHARACTER VARYING,
                    error_message CHARACTER VARYING,
                    attributes CHARACTER VARYING
                  )""",
                  """
                  CREATE TABLE span_events (
                    span_id CHAR(16) NOT NULL,
                    seq INTEGER NOT NULL,
                    time TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                    name CHARACTER VARYING NOT NULL,
                    attributes CHARACTER VARYING,
                    PRIMARY KEY (span_id, seq)
                  )""",
                  """
                  CREATE TABLE blobs (
                    hash CHAR(64) PRIMARY KEY,
                    size_bytes BIGINT NOT NULL,
                    media_type CHARACTER VARYING(64) NOT NULL,
                    content CHARACTER LARGE OBJECT NOT NULL
                  )""")),
          new Migration(
              2,
              "spans.capture_policy, so exports know what content may leave",
              List.of("ALTER TABLE spans ADD COLUMN capture_policy CHARACTER VARYING(32)")),
          new Migration(
              3,
              "a traces row from a trace's first written span (status INCOMPLETE until its root ends)",
              List.of(
                  "ALTER TABLE traces ALTER COLUMN status SET DATA TYPE CHARACTER VARYING(16)",
                  "ALTER TABLE traces ALTER COLUMN end_time SET NULL",
                  "ALTER TABLE traces ALTER COLUMN duration_ms SET NULL",
                  "ALTER TABLE traces ALTER COLUMN root_span_id SET NULL",
                  // Traces recorded before this version whose root never ended: one scan, once, on upgrade.
                  """
                  INSERT INTO traces (trace_id, name, start_time, status, span_count, error_count, input_tokens, output_tokens)
                  SELECT s.trace_id,
                         (SELECT f.name FROM spans f WHERE f.trace_id = s.trace_id ORDER BY f.start_time, f.span_id LIMIT 1),
                         MIN(s.start_time), 'INCOMPLETE', 0, 0, 0, 0
                  FROM spans s WHERE NOT EXISTS (SELECT 1 FROM traces t WHERE t.trace_id = s.trace_id)
                  GROUP BY s.trace_id""")),
          new Migration(
              4,
              "traces.total_tokens, so the trace list can be sorted by tokens through an index",
              List.of(
                  "ALTER TABLE traces ADD COLUMN total_tokens BIGINT"
                      + " GENERATED ALWAYS AS (COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0))",
                  // Here rather than in INDEXES, which also run over databases migrated only part way.
                  "CREATE INDEX IF NOT EXISTS traces_by_tokens ON traces(total_tokens DESC NULLS LAST, start_time DESC, trace_id DESC)")),
          new Migration(
              5,
              "blobs.ref_count instead of two indexes on spans' content references (half of a file's bytes)",
              List.of(
                  "ALTER TABLE blobs ADD COLUMN ref_count BIGINT DEFAULT 0 NOT NULL",
                  // Counted through the two indexes, which an older file has; dropped once counted.
                  """
                  UPDATE blobs b SET ref_count =
                    (SELECT COUNT(*) FROM spans s WHERE s.input_ref = b.hash)
                    + (SELECT COUNT(*) FROM spans s WHERE s.output_ref = b.hash)""",
                  "DROP INDEX IF EXISTS spans_by_input_ref",
                  "DROP INDEX IF EXISTS spans_by_output_ref")),
          new Migration(
              6,
              "traces.dropped_spans: spans of the trace that ended but were dropped by the full queue",
              List.of("ALTER TABLE traces ADD COLUMN dropped_spans INTEGER DEFAULT 0 NOT NULL")),
          new Migration(
              7,
              "span_rollups and trace_rollups: per-hour aggregates with a latency histogram, read by stats instead of every span",
              List.of(
                  """
                  CREATE TABLE span_rollups (
                    hour_start TIMESTAMP(0) WITH TIME ZONE NOT NULL,
                    name CHARACTER VARYING NOT NULL,
                    model CHARACTER VARYING NOT NULL,
                    spans BIGINT NOT NULL,
                    errors BIGINT NOT NULL,
                    input_tokens BIGINT NOT NULL,
                    output_tokens BIGINT NOT NULL,
                    priced_calls BIGINT NOT NULL,
                    cost_usd DECIMAL(30, 10) NOT NULL,
                    unpriced_calls BIGINT NOT NULL,
                    min_ms DOUBLE PRECISION NOT NULL,
                    max_ms DOUBLE PRECISION NOT NULL,
                    histogram VARBINARY NOT NULL,
                    PRIMARY KEY (hour_start, name, model)
                  )""",
                  """
                  CREATE TABLE trace_rollups (
                    hour_start TIMESTAMP(0) WITH TIME ZONE NOT NULL,
                    name CHARACTER VARYING NOT NULL,
                    traces BIGINT NOT NULL,
                    errors BIGINT NOT NULL,
                    input_tokens BIGINT NOT NULL,
                    output_tokens BIGINT NOT NULL,
                    priced_calls BIGINT NOT NULL,
                    cost_usd DECIMAL(30, 10) NOT NULL,
                    unpriced_calls BIGINT NOT NULL,
                    min_ms DOUBLE PRECISION NOT NULL,
                    max_ms DOUBLE PRECISION NOT NULL,
                    histogram VARBINARY NOT NULL,
                    PRIMARY KEY (hour_start, name)
                  )"""),
              Rollups::backfill),
          new Migration(
              8,
              "traces.has_error: any span of the trace failed, indexed, so listing traces with errors is a lookup",
              List.of(
                  "ALTER TABLE traces ADD COLUMN has_error BOOLEAN DEFAULT FALSE NOT NULL",
                  """
                  UPDATE traces t SET has_error = TRUE
                  WHERE t.status = 'ERROR' OR t.error_count > 0
                     OR t.trace_id IN (SELECT e.trace_id FROM spans e WHERE e.status = 'ERROR')""",
                  // Here rather than in INDEXES, which also run over databases migrated only part way.
                  "CREATE INDEX IF NOT EXISTS traces_by_error ON traces(has_error, start_time)")),
          new Migration(
              9,
              "traces.session_id, traces.user_id and trace_tags (Tracewright.session/user/tag), indexed for the list's filters",
              List.of(
                  // Nothing to backfill: no earlier version wrote session.id, user.id or tag.tags.
                  "ALTER TABLE traces ADD COLUMN session_id CHARACTER VARYING",
                  "ALTER TABLE traces ADD COLUMN user_id CHARACTER VARYING",
                  """
                  CREATE TABLE trace_tags (
                    tag CHARACTER VARYING NOT NULL,
                    trace_id CHAR(32) NOT NULL,
                    PRIMARY KEY (tag, trace_id)
                  )""",
                  // Here rather than in INDEXES, which also run over databases migrated only part way.
                  "CREATE INDEX IF NOT EXISTS trace_tags_by_trace ON trace_tags(trace_id)", // a trace's tags, and prune
                  "CREATE INDEX IF NOT EXISTS traces_by_session ON traces(session_id, start_time)",
                  "CREATE INDEX IF NOT EXISTS traces_by_user ON traces(user_id, start_time)")),
          new Migration(
              10,
              "traces.content_words: a Bloom filter of the words of the trace's stored content, for content search",
              List.of("ALTER TABLE traces ADD COLUMN content_words VARBINARY(" + ContentWords.BYTES + ")"),
              ContentWords::backfill),
          new Migration(
              11,
              "api_keys (a server's keys: SHA-256 and prefix only) and traces.project (the key's project, stamped by the server)",
              List.of(
                  """
                  CREATE TABLE api_keys (
                    prefix CHARACTER VARYING(16) PRIMARY KEY,
                    hash CHAR(64) NOT NULL,
                    project CHARACTER VARYING NOT NULL,
                    name CHARACTER VARYING,
                    created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                    revoked_at TIMESTAMP(9) WITH TIME ZONE
                  )""",
                  "ALTER TABLE traces ADD COLUMN project CHARACTER VARYING",
                  "CREATE INDEX IF NOT EXISTS traces_by_project ON traces(project, start_time)")));

  /**
   * Every read of the CLI, the UI and the console's views walks one of these and touches only the
   * rows it returns: a trace's spans, children, spans by name, model, status and time, traces by
   * time, name, status and each sort of the list. (Which spans reference a blob is counted in
   * {@code blobs.ref_count} instead: two indexes for it were more than half of a file's bytes.)
   */
  static final List<String> INDEXES =
      List.of(
          "CREATE INDEX IF NOT EXISTS spans_by_trace ON spans(trace_id, start_time)",
          "CREATE INDEX IF NOT EXISTS spans_by_parent ON spans(parent_span_id)",
          "CREATE INDEX IF NOT EXISTS spans_by_name ON spans(name, start_time)",
          "CREATE INDEX IF NOT EXISTS spans_by_time ON spans(start_time)",
          "CREATE INDEX IF NOT EXISTS spans_by_status ON spans(status, start_time)",
          "CREATE INDEX IF NOT EXISTS spans_by_model ON spans(model, start_time)",
          "CREATE INDEX IF NOT EXISTS traces_by_time ON traces(start_time)",
          "CREATE INDEX IF NOT EXISTS traces_by_name ON traces(name, start_time)",
          "CREATE INDEX IF NOT EXISTS traces_by_status ON traces(status, start_time)",
          // The trace list's sorts, largest first, ties newest first: H2 reads a page in index order.
          "CREATE INDEX IF NOT EXISTS traces_by_duration ON traces(duration_ms DESC NULLS LAST, start_time DESC, trace_id DESC)",
          "CREATE INDEX IF NOT EXISTS traces_by_cost ON traces(cost_usd DESC NULLS LAST, start_time DESC, trace_id DESC)",
          "CREATE INDEX IF NOT EXISTS traces_by_spans ON traces(span_count DESC NULLS LAST, start_time DESC, trace_id DESC)");

  /**
   * Views for the console, ordered as a reader expects (newest first, trees depth-first in start
   * order), with durations and costs also as rounded text beside the exact columns. Each one reads
   * through an index: over millions of spans they answer as fast as over a few. A cost that is
   * partly unknown (calls that reported tokens but whose model had no price) reads "$0.01 + unknown
   * (2 calls)" and its {@code cost_usd} is the known part ({@code unpriced_calls} beside it); one
   * with no known part reads "unknown (n calls)" with a NULL {@code cost_usd}, never $0.
   */
  static final List<String> VIEWS =
      List.of(
          """
          CREATE OR REPLACE VIEW trace_summary AS
          SELECT trace_id, start_time, name, status,
                 CASE WHEN duration_ms IS NULL THEN 'running'
                      WHEN duration_ms >= 1000 THEN CAST(CAST(duration_ms / 1000 AS DECIMAL(20, 2)) AS VARCHAR) || ' s'
                      ELSE CAST(CAST(duration_ms AS DECIMAL(20, 1)) AS VARCHAR) || ' ms' END AS duration,
                 span_count, error_count, input_tokens + output_tokens AS total_tokens,
                 CASE WHEN (SELECT COUNT(*) FROM spans u WHERE u.trace_id = t.trace_id AND u.cost_usd IS NULL AND u.input_tokens IS NOT NULL) = 0 THEN '$' || CAST(CAST(COALESCE(cost_usd, 0) AS DECIMAL(20, 6)) AS VARCHAR)
                      WHEN cost_usd IS NULL THEN 'unknown (' || (SELECT COUNT(*) FROM spans u WHERE u.trace_id = t.trace_id AND u.cost_usd IS NULL AND u.input_tokens IS NOT NULL) || CASE WHEN (SELECT COUNT(*) FROM spans u WHERE u.trace_id = t.trace_id AND u.cost_usd IS NULL AND u.input_tokens IS NOT NULL) = 1 THEN ' call)' ELSE ' calls)' END
                      ELSE '$' || CAST(CAST(cost_usd AS DECIMAL(20, 6)) AS VARCHAR) || ' + unknown (' || (SELECT COUNT(*) FROM spans u WHERE u.trace_id = t.trace_id AND u.cost_usd IS NULL AND u.input_tokens IS NOT NULL) || CASE WHEN (SELECT COUNT(*) FROM spans u WHERE u.trace_id = t.trace_id AND u.cost_usd IS NULL AND u.input_tokens IS NOT NULL) = 1 THEN ' call)' ELSE ' calls)' END END AS cost,
                 duration_ms, input_tokens, output_tokens,
                 CASE WHEN (SELECT COUNT(*) FROM spans u WHERE u.trace_id = t.trace_id AND u.cost_usd IS NULL AND u.input_tokens IS NOT NULL) = 0 THEN COALESCE(cost_usd, 0) ELSE cost_usd END AS cost_usd,
                 (SELECT COUNT(*) FROM spans u WHERE u.trace_id = t.trace_id AND u.cost_usd IS NULL AND u.input_tokens IS NOT NULL) AS unpriced_calls, service_name, root_span_id
          FROM traces t
          ORDER BY start_time DESC""",
          // One trace's tree: the one SET @trace = '<trace id>' names, else the most recent (read through
          // traces_by_time) under a first row saying how to pick another. The recursion starts from that
          // trace's spans through the trace index, so it is as fast on ten million spans as on ten. (A
          // filter written after the view cannot reach inside a recursive query, and an OR here would lose
          // the index; COALESCE of the variable and a constant subquery keeps it.) sort_path orders a trace
          // depth-first by start: span IDs are time-ordered hex, and the hint's empty sort_path comes first.
          // Roots are spans without a parent here (a remote parent is not in this database).
          """
          CREATE OR REPLACE VIEW span_tree AS
          WITH RECURSIVE tree(trace_id, span_id, parent_span_id, depth, path, sort_path, name, kind, status,
                              start_time, duration_ms, model, input_tokens, output_tokens, cost_usd, error_message) AS (
            SELECT s.trace_id, s.span_id, s.parent_span_id, 0, CAST(s.name AS CHARACTER VARYING),
                   CAST(s.span_id AS CHARACTER VARYING), s.name, s.kind, s.status, s.start_time, s.duration_ms,
                   s.model, s.input_tokens, s.output_tokens, s.cost_usd, s.error_message
            FROM spans s
            WHERE s.trace_id = COALESCE(@trace, (SELECT r.trace_id FROM traces r ORDER BY r.start_time DESC LIMIT 1))
              AND (s.parent_span_id IS NULL OR NOT EXISTS (SELECT 1 FROM spans p WHERE p.span_id = s.parent_span_id))
            UNION ALL
            SELECT c.trace_id, c.span_id, c.parent_span_id, t.depth + 1, t.path || ' > ' || c.name,
                   t.sort_path || '/' || c.span_id, c.name, c.kind, c.status, c.start_time, c.duration_ms,
                   c.model, c.input_tokens, c.output_tokens, c.cost_usd, c.error_message
            FROM spans c JOIN tree t ON c.parent_span_id = t.span_id
          )
          SELECT trace_id, span_id, parent_span_id, depth, indented_name, path, kind, status,
                 start_time, duration_ms, model, input_tokens, output_tokens, cost_usd, error_message, name, sort_path
          FROM (
            SELECT h.trace_id, CAST(NULL AS CHAR(16)) AS span_id, CAST(NULL AS CHAR(16)) AS parent_span_id, CAST(NULL AS INTEGER) AS depth,
                   'The most recent trace, ' || h.name || ' (' || h.trace_id || '). For another: SET @trace = ''<trace id>'''
                     || ' (IDs in trace_summary); SET @trace = NULL for the most recent again' AS indented_name,
                   CAST(NULL AS CHARACTER VARYING) AS path, CAST(NULL AS CHARACTER VARYING(16)) AS kind,
                   CAST(NULL AS CHARACTER VARYING(8)) AS status, h.start_time, CAST(NULL AS DOUBLE PRECISION) AS duration_ms,
                   CAST(NULL AS CHARACTER VARYING) AS model, CAST(NULL AS BIGINT) AS input_tokens, CAST(NULL AS BIGINT) AS output_tokens,
                   CAST(NULL AS DECIMAL(20, 10)) AS cost_usd, CAST(NULL AS CHARACTER VARYING) AS error_message,
                   CAST(NULL AS CHARACTER VARYING) AS name, CAST('' AS CHARACTER VARYING) AS sort_path
            FROM (SELECT r.trace_id, r.name, r.start_time FROM traces r ORDER BY r.start_time DESC LIMIT 1) h
            WHERE @trace IS NULL
            UNION ALL
            SELECT trace_id, span_id, parent_span_id, depth, REPEAT('  ', depth) || name, path, kind, status,
                   start_time, duration_ms, model, input_tokens, output_tokens, cost_usd, error_message, name, sort_path
            FROM tree
          ) shown
          ORDER BY trace_id, sort_path""",
          """
          CREATE OR REPLACE VIEW cost_by_model AS
          SELECT model, provider, COUNT(*) AS calls,
                 CAST(SUM(input_tokens) AS BIGINT) AS input_tokens, CAST(SUM(output_tokens) AS BIGINT) AS output_tokens,
                 CASE WHEN CAST(SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) = 0 THEN '$' || CAST(CAST(COALESCE(SUM(cost_usd), 0) AS DECIMAL(20, 6)) AS VARCHAR)
                      WHEN SUM(cost_usd) IS NULL THEN 'unknown (' || CAST(SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) || CASE WHEN CAST(SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) = 1 THEN ' call)' ELSE ' calls)' END
                      ELSE '$' || CAST(CAST(SUM(cost_usd) AS DECIMAL(20, 6)) AS VARCHAR) || ' + unknown (' || CAST(SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) || CASE WHEN CAST(SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) = 1 THEN ' call)' ELSE ' calls)' END END AS cost,
                 CASE WHEN CAST(SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) = 0 THEN COALESCE(SUM(cost_usd), 0) ELSE SUM(cost_usd) END AS cost_usd,
                 CAST(SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS unpriced_calls, AVG(duration_ms) AS avg_duration_ms,
                 CAST(SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END) AS BIGINT) AS errors
          FROM spans WHERE model IS NOT NULL
          GROUP BY model, provider
          ORDER BY COALESCE(SUM(cost_usd), 0) DESC, calls DESC""",
          """
          CREATE OR REPLACE VIEW errors AS
          SELECT s.start_time, s.trace_id, t.name AS trace_name, s.span_id, s.name, s.kind, s.duration_ms,
                 s.error_type, s.error_message
          FROM spans s LEFT JOIN traces t ON t.trace_id = s.trace_id
          WHERE s.status = 'ERROR'
          ORDER BY s.start_time DESC""",
          // Spans of the last 24 hours in the slowest 5% of their name (the slowest of each name always):
          // a window over a day, not the whole file, so the view stays fast on millions of spans.
          """
          CREATE OR REPLACE VIEW slow_spans AS
          SELECT start_time, trace_id, span_id, name, kind, duration_ms, model, share_of_trace
          FROM (
            SELECT s.trace_id, s.span_id, s.name, s.kind, s.start_time, s.duration_ms, s.model,
                   CASE WHEN t.duration_ms > 0 THEN s.duration_ms / t.duration_ms END AS share_of_trace,
                   CUME_DIST() OVER (PARTITION BY s.name ORDER BY s.duration_ms) AS duration_rank
            FROM spans s LEFT JOIN traces t ON t.trace_id = s.trace_id
            WHERE s.start_time >= DATEADD(HOUR, -24, CURRENT_TIMESTAMP)
          ) ranked
          WHERE duration_rank >= 0.95
          ORDER BY duration_ms DESC""");

  private Schema() {}

  /** The newest version this code knows. */
  public static int currentVersion() {
    return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
  }

  /** Brings the database to the newest schema; fails clearly on a database from a newer Tracewright. */
  public static void migrate(Connection connection) throws SQLException {
    migrate(connection, MIGRATIONS);
  }

  static void migrate(Connection connection, List<Migration> migrations) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement st = connection.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description CHARACTER VARYING,"
              + " applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP)");
      int version = version(st);
      int newest = migrations.get(migrations.size() - 1).version();
      if (version > newest) {
        throw new SQLException(
            "trace database schema version " + version + " is newer than this Tracewright knows (" + newest
                + "); use a newer Tracewright to open it");
      }
      for (Migration m : migrations) {
        if (m.version() > version) {
          for (String sql : m.statements()) {
            st.execute(sql);
          }
          m.step().run(connection);
          try (PreparedStatement record = connection.prepareStatement("INSERT INTO schema_version(version, description) VALUES (?, ?)")) {
            record.setInt(1, m.version());
            record.setString(2, m.description());
            record.executeUpdate();
          }
        }
      }
      for (String sql : INDEXES) {
        st.execute(sql);
      }
      for (String sql : VIEWS) {
        st.execute(sql);
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** The schema version of a database, 0 if it has none. */
  public static int version(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
