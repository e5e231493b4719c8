package dev.tracewright.cli.ui;

import dev.tracewright.runtime.replay.RecordedSpan;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.TraceDiff;
import dev.tracewright.runtime.store.TraceRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/compare?a=ID&b=ID}: two traces aligned by path, the same {@link TraceDiff} as
 * {@code tracewright diff}. Outputs are compared by hash, so no blob is read. Bounded: at most
 * {@code maxRows} rows (then {@code truncated}), and traces of more than {@link #MAX_SPANS_PER_SIDE}
 * spans are refused (the CLI compares those).
 */
final class CompareApi {
  static final int MAX_SPANS_PER_SIDE = 50_000;

  private final TraceReads db;
  private final int maxRows;

  CompareApi(TraceReads db, int maxRows) {
    this.db = db;
    this.maxRows = maxRows;
  }

  Map<String, Object> answer(QueryParams p) {
    String a = required(p, "a");
    String b = required(p, "b");
    return db.read(traces -> {
      TraceRecord ta = traces.withTotals(resolve(traces, "a", a));
      TraceRecord tb = traces.withTotals(resolve(traces, "b", b));
      for (TraceRecord t : List.of(ta, tb)) {
        if (t.spanCount() > MAX_SPANS_PER_SIDE) {
          throw ApiError.badRequest("trace " + t.traceId() + " has " + t.spanCount() + " spans, more than the " + MAX_SPANS_PER_SIDE
              + " the UI compares; use: tracewright diff " + ta.traceId() + " " + tb.traceId());
        }
      }
      RecordedTrace ra = RecordedTrace.fromDatabase(traces.connection(), ta.traceId(), RecordedTrace.ContentLoad.HASHES_ONLY);
      RecordedTrace rb = RecordedTrace.fromDatabase(traces.connection(), tb.traceId(), RecordedTrace.ContentLoad.HASHES_ONLY);
      return view(TraceDiff.between(ra, rb), ta, tb);
    });
  }

  private static String required(QueryParams p, String name) {
    String value = p.get(name);
    if (value == null) {
      throw ApiError.badRequest("missing parameter '" + name + "': /api/compare?a=TRACE_ID&b=TRACE_ID");
    }
    if (!value.matches("[0-9a-fA-F]{1,32}")) {
      throw ApiError.badRequest(name + ": '" + Json.clip(value) + "' is not a trace ID: expected up to 32 hex digits");
    }
    return value;
  }

  private static TraceRecord resolve(dev.tracewright.cli.TraceDb traces, String side, String prefix) throws java.sql.SQLException {
    List<TraceRecord> found = traces.tracesStartingWith(prefix);
    if (found.isEmpty()) {
      throw ApiError.notFound(side + ": no trace with ID starting '" + prefix + "'");
    }
    if (found.size() > 1) {
      throw ApiError.badRequest(side + ": '" + prefix + "' matches several traces; give more digits");
    }
    return found.get(0);
  }

  private Map<String, Object> view(TraceDiff diff, TraceRecord ta, TraceRecord tb) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("a", side(ta));
    out.put("b", side(tb));
    out.put("equal", diff.equal());
    TraceDiff.Totals t = diff.totals();
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("durationMs", amount(t.durationMs()));
    totals.put("tokens", count(t.tokens()));
    totals.put("costUsd", amount(t.costUsd()));
    totals.put("spans", count(t.spans()));
    totals.put("errors", count(t.errors()));
    out.put("totals", totals);
    Map<String, Object> changes = new LinkedHashMap<>();
    for (TraceDiff.Change c : TraceDiff.Change.values()) {
      changes.put(c.word(), diff.count(c));
    }
    out.put("changes", changes);
    List<TraceDiff.Row> rows = diff.rows();
    boolean cut = rows.size() > maxRows;
    out.put("rows", (cut ? rows.subList(0, maxRows) : rows).stream().map(CompareApi::row).toList());
    out.put("rowCount", rows.size());
    out.put("rowLimit", maxRows);
    out.put("truncated", cut);
    return out;
  }

  /** The traces row's figures: the same the list and the trace page show. */
  private static Map<String, Object> side(TraceRecord t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("traceId", t.traceId());
    out.put("name", t.name());
    out.put("startTime", ApiViews.iso(t.startTime()));
    out.put("durationMs", t.durationMs());
    out.put("status", t.status());
    out.put("spans", t.spanCount());
    out.put("errors", t.errorCount());
    out.put("inputTokens", t.inputTokens());
    out.put("outputTokens", t.outputTokens());
    out.put("costUsd", t.costUsd());
    return out;
  }

  private static Map<String, Object> row(TraceDiff.Row r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", r.path());
    out.put("depth", r.depth());
    out.put("name", r.name());
    out.put("kind", r.kind().name());
    out.put("change", r.change().word());
    out.put("a", span(r.a()));
    out.put("b", span(r.b()));
    out.put("statusChanged", r.statusChanged());
    out.put("outputChanged", r.outputChanged());
    out.put("durationDeltaMs", r.durationDeltaMs());
    out.put("tokensDelta", r.tokensDelta());
    out.put("costDelta", r.costDelta());
    return out;
  }

  private static Map<String, Object> span(RecordedSpan s) {
    if (s == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("spanId", s.spanId());
    out.put("status", s.status());
    out.put("durationMs", s.durationMs());
    out.put("tokens", s.totalTokens());
    out.put("costUsd", s.costUsd());
    out.put("outputHash", s.output().hash());
    out.put("errorType", s.errorType());
    out.put("errorMessage", s.errorMessage());
    return out;
  }

  private static Map<String, Object> count(TraceDiff.Count c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("a", c.a());
    out.put("b", c.b());
    out.put("delta", c.delta());
    return out;
  }

  private static Map<String, Object> amount(TraceDiff.Amount c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("a", c.a());
    out.put("b", c.b());
    out.put("delta", c.delta());
    return out;
  }
}
