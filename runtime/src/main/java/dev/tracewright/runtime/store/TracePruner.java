package dev.tracewright.runtime.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deletes whole traces that started before a cutoff: their spans, their events, their row, their tags, their
 * share of the rollups ({@link Rollups}), and the blobs no span references any more ({@code blobs.ref_count}, which the writer raises for each span
 * that references a blob and a prune lowers for each one it deletes, reaches 0). One batch of traces is one transaction, so a reader never sees
 * half a trace and a crash never leaves one. Used by retention on the writer thread and by
 * {@code tracewright prune}.
 *
 * <p>A trace that has not ended is left alone until it has been silent (no span ended) for {@link
 * #UNFINISHED_GRACE} and since the cutoff: it may be running in this process or another, and
 * deleting its first spans would leave the rest orphaned under a row that says it is whole.
 *
 * <p>Blobs are shared between traces and written concurrently (the writer, another process through
 * H2's AUTO_SERVER). Both sides lock the blob rows ({@link #LOCK_BLOBS}) before anything else, so a
 * prune that deletes a blob and a writer that references it are serialised: the writer either sees
 * the blob gone and writes it again, or commits its span first, which the prune then sees.
 */
public final class TracePruner {
  /** What a prune removed (or, in a dry run, would remove). */
  public record Removed(long traces, long spans, long events, long blobs) {
    public Removed plus(Removed o) {
      return new Removed(traces + o.traces, spans + o.spans, events + o.events, blobs + o.blobs);
    }

    public static final Removed NONE = new Removed(0, 0, 0, 0);
  }

  /** Locks the stored blobs among the hashes in the one array parameter, and returns them. */
  public static final String LOCK_BLOBS = "SELECT hash FROM blobs WHERE hash = ANY(?) FOR UPDATE";

  /**
   * How long a trace that never ended must have been silent before it counts as a dead run. Nothing
   * tells another process's running trace from a dead one, so a generous margin decides.
   */
  public static final Duration UNFINISHED_GRACE = Duration.ofHours(24);

  /** Traces old enough to go: started before the cutoff, and ended, or silent long enough. */
  private static final String PRUNABLE =
      "t.start_time < ? AND (t.end_time IS NOT NULL"
          + " OR NOT EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND s.end_time >= ?))";

  private final Connection connection;

  /** @param connection a connection with auto-commit off, owned by the caller */
  public TracePruner(Connection connection) {
    this.connection = connection;
  }

  /**
   * Deletes up to {@code maxTraces} of the oldest traces that started before {@code cutoff}, in one
   * transaction. Returns what was removed; fewer than {@code maxTraces} traces means none is left.
   */
  public Removed pruneBatch(Instant cutoff, int maxTraces) throws SQLException {
    List<String> traceIds = oldest(cutoff, maxTraces);
    if (traceIds.isEmpty()) {
      return Removed.NONE;
    }
    String in = placeholders(traceIds.size());
    try {
      Map<String, Long> references = new LinkedHashMap<>(); // blob -> how many of these spans point at it
      try (PreparedStatement st = connection.prepareStatement(
          "SELECT input_ref, output_ref FROM spans WHERE trace_id IN (" + in + ") AND (input_ref IS NOT NULL OR output_ref IS NOT NULL)")) {
        bind(st, traceIds, 1);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            countReference(references, rs.getString(1));
            countReference(references, rs.getString(2));
          }
        }
      }
      if (!references.isEmpty()) { // before any delete: the writer's order, so neither waits for the other in a cycle
        try (PreparedStatement st = connection.prepareStatement(LOCK_BLOBS)) {
          st.setObject(1, references.keySet().toArray(new String[0]));
          st.executeQuery().close();
        }
      }
      // What the rollups take back, read before the rows go; applied after the deletes, in the
      // writer's order of locks (traces' rows, then rollup rows in key order).
      Rollups.Changes rollups = new Rollups.Changes();
      try (PreparedStatement st = connection.prepareStatement(Rollups.SPAN_AGGREGATE.formatted("WHERE trace_id IN (" + in + ")"))) {
        bind(st, traceIds, 1);
        try (ResultSet rs = st.executeQuery()) {
          rollups.read(rs, true, -1);
        }
      }
      try (PreparedStatement st = connection.prepareStatement(Rollups.TRACE_AGGREGATE.formatted("AND trace_id IN (" + in + ")"))) {
        bind(st, traceIds, 1);
        try (ResultSet rs = st.executeQuery()) {
          rollups.read(rs, false, -1);
        }
      }
      long events = update("DELETE FROM span_events WHERE span_id IN (SELECT span_id FROM spans WHERE trace_id IN (" + in + "))", traceIds);
      long spans = update("DELETE FROM spans WHERE trace_id IN (" + in + ")", traceIds);
      update("DELETE FROM traces WHERE trace_id IN (" + in + ")", traceIds);
      update("DELETE FROM trace_tags WHERE trace_id IN (" + in + ")", traceIds); // after the rows: the writer's order
      rollups.apply(connection);
      long freedBlobs = 0;
      try (PreparedStatement release = connection.prepareStatement("UPDATE blobs SET ref_count = ref_count - ? WHERE hash = ?");
          PreparedStatement free = connection.prepareStatement("DELETE FROM blobs WHERE hash = ? AND ref_count <= 0")) {
        for (Map.Entry<String, Long> r : references.entrySet()) {
          release.setLong(1, r.getValue());
          release.setString(2, r.getKey());
          release.addBatch();
          free.setString(1, r.getKey());
          free.addBatch();
        }
        if (!references.isEmpty()) {
          release.executeBatch();
          for (int n : free.executeBatch()) {
            freedBlobs += n;
          }
        }
      }
      connection.commit();
      return new Removed(traceIds.size(), spans, events, freedBlobs);
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  /**
   * Counts the traces, spans and events {@link #pruneBatch} would remove for every trace before
   * {@code cutoff}, deleting nothing. {@code blobs} is the number of distinct blobs those spans
   * reference: an upper bound, since a blob a newer span shares is kept.
   */
  public Removed count(Instant cutoff) throws SQLException {
    String old = "SELECT t.trace_id FROM traces t WHERE " + PRUNABLE;
    long traces = countOf("SELECT COUNT(*) FROM traces t WHERE " + PRUNABLE, cutoff);
    long spans = countOf("SELECT COUNT(*) FROM spans WHERE trace_id IN (" + old + ")", cutoff);
    long events = countOf("SELECT COUNT(*) FROM span_events WHERE span_id IN (SELECT span_id FROM spans WHERE trace_id IN (" + old + "))", cutoff);
    long blobs = countOf("SELECT COUNT(*) FROM (SELECT input_ref AS ref FROM spans WHERE trace_id IN (" + old + ")"
        + " UNION SELECT output_ref FROM spans WHERE trace_id IN (" + old + ")) r WHERE r.ref IS NOT NULL", cutoff);
    return new Removed(traces, spans, events, blobs);
  }

  private long countOf(String sql, Instant cutoff) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      int n = st.getParameterMetaData().getParameterCount();
      for (int i = 1; i + 1 <= n; i += 2) { // PRUNABLE's two parameters, as often as it occurs
        st.setObject(i, time(cutoff));
        st.setObject(i + 1, time(silentSince(cutoff)));
      }
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private List<String> oldest(Instant cutoff, int max) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(
        "SELECT t.trace_id FROM traces t WHERE " + PRUNABLE + " ORDER BY t.start_time LIMIT ?")) {
      st.setObject(1, time(cutoff));
      st.setObject(2, time(silentSince(cutoff)));
      st.setInt(3, max);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }

  /** An unfinished trace goes only if no span of it ended after this. */
  private static Instant silentSince(Instant cutoff) {
    Instant grace = Instant.now().minus(UNFINISHED_GRACE);
    return cutoff.isBefore(grace) ? cutoff : grace;
  }

  private long update(String sql, List<String> ids) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      bind(st, ids, 1);
      return st.executeLargeUpdate();
    }
  }

  private static void bind(PreparedStatement st, List<String> values, int first) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      st.setString(first + i, values.get(i));
    }
  }

  private static String placeholders(int n) {
    return String.join(",", Collections.nCopies(n, "?"));
  }

  /** One more reference to {@code hash} (none for null); the writer counts a batch's the same way. */
  static void countReference(Map<String, Long> references, String hash) {
    if (hash != null) {
      references.merge(hash, 1L, Long::sum);
    }
  }

  private static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
