package dev.tracewright.cli.ui;

import dev.tracewright.runtime.replay.RecordedContent;
import dev.tracewright.runtime.replay.RecordedSpan;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.TraceDiff;
import dev.tracewright.runtime.store.TraceRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/compare?a=ID&b=ID}: two traces aligned by path, the same {@link TraceDiff} as
 * {@code tracewright diff}. Outputs are compared by hash, so no blob is read; a changed span's sides
 * say where their input and output are, and the page reads them (the content API) when it shows them. Bounded: at most
 * {@code maxRows} rows (then {@code truncated}), and traces of more than {@link #MAX_SPANS_PER_SIDE}
 * spans are refused (the CLI compares those).
 */
final class CompareApi {
  static final int MAX_SPANS_PER_SIDE = 50_000;
  /** Changed rows whose content comes with the answer (the compare page opens as many). */
  static final int CONTENT_ROWS = 10;
  static final long CONTENT_CHARS = 4L << 20;

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
      return view(TraceDiff.between(ra, rb), ta, tb, traces);
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

  private Map<String, Object> view(TraceDiff diff, TraceRecord ta, TraceRecord tb, dev.tracewright.cli.TraceDb traces)
      throws java.sql.SQLException {
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
    List<TraceDiff.Row> shown = cut ? rows.subList(0, maxRows) : rows;
    out.put("rows", shown.stream().map(CompareApi::row).toList());
    out.put("contents", firstContents(shown, traces));
    out.put("rowCount", rows.size());
    out.put("rowLimit", maxRows);
    out.put("truncated", cut);
    return out;
  }

  /**
   * The blobs of the first {@link #CONTENT_ROWS} changed rows (both sides' input and output), by
   * hash, at most {@link #CONTENT_CHARS} characters in all: the ones the page shows as it opens, read
   * here on the comparison's own connection rather than one request each (the file is opened per
   * request, which costs about 0.1 s on a database of a million spans).
   */
  private static Map<String, Object> firstContents(List<TraceDiff.Row> rows, dev.tracewright.cli.TraceDb traces) throws java.sql.SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    long chars = 0;
    int changed = 0;
    for (TraceDiff.Row r : rows) {
      if (r.change() != TraceDiff.Change.CHANGED || r.a() == null || r.b() == null) {
        continue;
      }
      if (changed++ == CONTENT_ROWS) {
        break;
      }
      for (RecordedContent c : List.of(r.a().output(), r.b().output(), r.a().input(), r.b().input())) {
        if (c.hash() == null || c.state() == RecordedContent.State.PREVIEW || out.containsKey(c.hash()) || chars >= CONTENT_CHARS) {
          continue;
        }
        dev.tracewright.cli.TraceDb.Content blob = traces.content(c.hash(), TraceApi.MAX_CONTENT_CHARS);
        if (blob != null && chars + blob.text().length() <= CONTENT_CHARS) {
          chars += blob.text().length();
          out.put(c.hash(), Map.of("content", blob.text(), "truncated", blob.truncated(), "limitChars", TraceApi.MAX_CONTENT_CHARS));
        }
      }
    }
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
    boolean changed = r.change() == TraceDiff.Change.CHANGED;
    out.put("a", span(r.a(), changed));
    out.put("b", span(r.b(), changed));
    out.put("statusChanged", r.statusChanged());
    out.put("outputChanged", r.outputChanged());
    out.put("durationDeltaMs", r.durationDeltaMs());
    out.put("tokensDelta", r.tokensDelta());
    out.put("costDelta", r.costDelta());
    return out;
  }

  private static Map<String, Object> span(RecordedSpan s, boolean changed) {
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
    out.put("input", content(s.input(), changed));
    out.put("output", content(s.output(), changed));
    return out;
  }

  /**
   * Where the page finds a side's input or output to show it: {@code ref}, the blob to read from
   * {@code /api/content/{ref}}; or, without a blob, the {@code preview} text itself (short; sent
   * only for changed rows, the ones whose content the page shows). Null when nothing was captured.
   */
  private static Map<String, Object> content(RecordedContent c, boolean withPreview) {
    if (c.hash() == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", c.state().name());
    if (c.state() == RecordedContent.State.PREVIEW) {
      out.put("ref", null);
      String preview = c.json();
      out.put("preview", !withPreview || preview == null ? null
          : preview.length() > TraceApi.MAX_CONTENT_CHARS ? preview.substring(0, TraceApi.MAX_CONTENT_CHARS) : preview);
    } else {
      out.put("ref", c.hash());
      out.put("preview", null);
    }
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
