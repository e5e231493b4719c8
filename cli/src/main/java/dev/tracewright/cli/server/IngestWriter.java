package dev.tracewright.cli.server;

import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import dev.tracewright.runtime.store.WriteBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's one writer: requests wait in a bounded queue (by count here; by memory in
 * {@link Admission}, from the first byte read; a request that does not fit is refused at once and the client retries),
 * and one thread maps each to rows, writes it, recomputes the rows of the traces it touched, and
 * syncs the file before the requests it wrote are answered: a 200 means the spans are on disk. A
 * request sent twice (a client retrying after a lost answer) is merged, not stored twice.
 */
final class IngestWriter implements AutoCloseable {
  /** What became of one request. */
  record Result(int accepted, int rejected, String rejectedReason) {}

  private record Pending(ExportTraceServiceRequest request, Runnable release, String project, CompletableFuture<Result> done) {}

  private final H2Store store;
  private final OtlpMapping mapping;
  private final BlockingQueue<Pending> queue;
  private final Thread thread;
  private volatile boolean closed;

  IngestWriter(H2Store store, OtlpMapping mapping, int maxQueuedRequests) {
    this.store = store;
    this.mapping = mapping;
    this.queue = new ArrayBlockingQueue<>(maxQueuedRequests);
    this.thread = new Thread(this::run, "tracewright-ingest");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The request's future result, or null when the queue is full (the caller answers 429).
   * {@code release} runs once the request is written or has failed (it frees its memory's admission).
   */
  CompletableFuture<Result> offer(ExportTraceServiceRequest request, Runnable release, String project) {
    if (closed) {
      return null;
    }
    Pending p = new Pending(request, release, project, new CompletableFuture<>());
    return queue.offer(p) ? p.done() : null;
  }

  private void run() {
    List<Pending> taken = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        taken.add(first);
        queue.drainTo(taken, 63);
        // Each request on its own: one that cannot be written fails alone, not the others with it.
        List<Object> outcomes = new ArrayList<>();
        for (Pending p : taken) {
          try {
            outcomes.add(write(p.request(), p.project()));
          } catch (SQLException | RuntimeException e) {
            outcomes.add(e);
          }
        }
        try {
          store.sync(); // one sync for the requests written together: a 200 means on disk
        } catch (SQLException | RuntimeException e) {
          outcomes.replaceAll(o -> o instanceof Result ? e : o);
        }
        for (int i = 0; i < taken.size(); i++) {
          Object o = outcomes.get(i);
          if (o instanceof Result r) {
            taken.get(i).done().complete(r);
          } else {
            taken.get(i).done().completeExceptionally((Throwable) o);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(taken, e);
        return;
      } catch (Throwable e) { // an Error: answer what was taken (503, retried), and keep the thread
        fail(taken, e);
      } finally {
        for (Pending p : taken) {
          p.release().run();
        }
        taken.clear();
      }
    }
  }

  private static void fail(List<Pending> taken, Throwable e) {
    for (Pending p : taken) {
      p.done().completeExceptionally(e);
    }
  }

  /**
   * Maps and writes one request for {@code project} (null: a development server's). Refused, as
   * OTLP's partial success: spans of a trace another project holds (a key writes only into its own
   * project's traces), and spans whose ID is stored under another trace (a span ID is the table's
   * key: writing it again would overwrite someone else's span). A new trace's row is claimed for the
   * project before its spans are written, so a retry after a crash finds the trace its own.
   */
  private Result write(ExportTraceServiceRequest request, String project) throws SQLException {
    OtlpMapping.Mapped m = mapping.map(request);
    Connection c = store.connection();
    Set<String> foreign = foreignTraces(c, m.spans(), project);
    Set<String> taken = spansOfOtherTraces(c, m.spans());
    List<SpanRecord> spans = m.spans().stream().filter(s -> !foreign.contains(s.traceId()) && !taken.contains(s.spanId())).toList();
    int rejected = m.rejected() + m.spans().size() - spans.size();
    String reason = m.rejectedReason() != null ? m.rejectedReason()
        : !foreign.isEmpty() ? "a trace ID already belongs to another project"
        : !taken.isEmpty() ? "a span ID is already stored under another trace" : null;
    if (spans.isEmpty()) {
      return new Result(0, rejected, reason);
    }
    Set<String> kept = new java.util.HashSet<>();
    Set<String> refs = new java.util.HashSet<>();
    for (SpanRecord s : spans) {
      kept.add(s.spanId());
      refs.add(s.inputRef());
      refs.add(s.outputRef());
    }
    Set<String> traces = new LinkedHashSet<>();
    List<TraceRecord> started = new ArrayList<>();
    for (SpanRecord s : spans) {
      if (traces.add(s.traceId())) {
        started.add(TraceRecord.incomplete(s.traceId(), s.name(), m.serviceByTrace().get(s.traceId()), s.startTime(), s.spanId()));
      }
    }
    claim(c, started, project);
    List<dev.tracewright.runtime.store.EventRecord> events = m.events().stream().filter(e -> kept.contains(e.spanId())).toList();
    List<dev.tracewright.runtime.store.BlobRecord> blobs = m.blobs().stream().filter(b -> refs.contains(b.hash())).toList();
    store.write(new WriteBatch(spans, events, List.of(), blobs, List.of()));
    List<TraceRecord> rows = new ArrayList<>();
    for (String traceId : traces) {
      TraceRecord row = traceRow(c, traceId, m.serviceByTrace().get(traceId));
      if (row != null) {
        rows.add(row);
      }
    }
    store.write(new WriteBatch(List.of(), List.of(), rows, List.of(), List.of()));
    return new Result(spans.size(), rejected, reason);
  }

  /** Writes the INCOMPLETE row of each trace that has none yet, with its project, in one transaction. */
  private static void claim(Connection c, List<TraceRecord> started, String project) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("INSERT INTO traces (trace_id, name, service_name, start_time, end_time, duration_ms,"
        + " status, root_span_id, span_count, error_count, input_tokens, output_tokens, project)"
        + " SELECT ?, ?, ?, ?, NULL, NULL, 'INCOMPLETE', ?, 0, 0, 0, 0, ? WHERE NOT EXISTS (SELECT 1 FROM traces WHERE trace_id = ?)")) {
      for (TraceRecord t : started) {
        st.setString(1, t.traceId());
        st.setString(2, t.name());
        st.setString(3, t.serviceName());
        st.setObject(4, OffsetDateTime.ofInstant(t.startTime(), java.time.ZoneOffset.UTC));
        st.setString(5, t.rootSpanId());
        st.setString(6, project);
        st.setString(7, t.traceId());
        st.addBatch();
      }
      st.executeBatch();
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }

  /** The traces of these spans that are stored under another project than {@code project}. */
  private static Set<String> foreignTraces(Connection c, List<SpanRecord> spans, String project) throws SQLException {
    Set<String> ids = new LinkedHashSet<>();
    spans.forEach(s -> ids.add(s.traceId()));
    Set<String> foreign = new java.util.HashSet<>();
    if (ids.isEmpty()) {
      return foreign;
    }
    try (PreparedStatement st = c.prepareStatement("SELECT trace_id, project FROM traces WHERE trace_id = ANY(?)")) {
      st.setObject(1, ids.toArray(new String[0]));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (!java.util.Objects.equals(rs.getString(2), project)) {
            foreign.add(rs.getString(1));
          }
        }
      }
    }
    return foreign;
  }

  /** The IDs of these spans that are stored under a different trace. */
  private static Set<String> spansOfOtherTraces(Connection c, List<SpanRecord> spans) throws SQLException {
    java.util.Map<String, String> traceOf = new java.util.HashMap<>();
    spans.forEach(s -> traceOf.put(s.spanId(), s.traceId()));
    Set<String> taken = new java.util.HashSet<>();
    if (traceOf.isEmpty()) {
      return taken;
    }
    try (PreparedStatement st = c.prepareStatement("SELECT span_id, trace_id FROM spans WHERE span_id = ANY(?)")) {
      st.setObject(1, traceOf.keySet().toArray(new String[0]));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (!rs.getString(2).equals(traceOf.get(rs.getString(1)))) {
            taken.add(rs.getString(1));
          }
        }
      }
    }
    return taken;
  }

  /**
   * A trace's row from all its stored spans: ended when a span without a parent (its root) is
   * there, with the totals of every span; INCOMPLETE until then (a service that continues a trace
   * from elsewhere sends spans whose root another service owns). Null when it has no root yet: the
   * INCOMPLETE row written with its first spans stays.
   */
  static TraceRecord traceRow(Connection c, String traceId, String service) throws SQLException {
    try (PreparedStatement root = c.prepareStatement("SELECT span_id, name, status, start_time, end_time FROM spans"
            + " WHERE trace_id = ? AND parent_span_id IS NULL ORDER BY start_time LIMIT 1");
        PreparedStatement totals = c.prepareStatement("SELECT COUNT(*), SUM(CASE WHEN status = 'ERROR' THEN 1 ELSE 0 END),"
            + " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), SUM(cost_usd) FROM spans WHERE trace_id = ?");
        PreparedStatement known = c.prepareStatement("SELECT service_name FROM traces WHERE trace_id = ?")) {
      root.setString(1, traceId);
      try (ResultSet r = root.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        totals.setString(1, traceId);
        known.setString(1, traceId);
        try (ResultSet t = totals.executeQuery(); ResultSet k = known.executeQuery()) {
          t.next();
          String serviceName = k.next() && k.getString(1) != null ? k.getString(1) : service;
          Instant start = r.getObject(4, OffsetDateTime.class).toInstant();
          Instant end = r.getObject(5, OffsetDateTime.class).toInstant();
          java.math.BigDecimal cost = t.getBigDecimal(5);
          return new TraceRecord(traceId, r.getString(2), serviceName, start, end,
              java.time.Duration.between(start, end).toNanos(), r.getString(3), r.getString(1), t.getInt(1), t.getInt(2), t.getLong(3),
              t.getLong(4), cost == null ? null : cost.doubleValue());
        }
      }
    }
  }

  /** Requests waiting now (for tests and the status line). */
  int queued() {
    return queue.size();
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }
}
