package dev.tracewright.cli.ui;

import dev.tracewright.cli.SinceConverter;
import dev.tracewright.cli.StatsReport;
import dev.tracewright.cli.TraceDb;
import dev.tracewright.cli.TraceQuery;
import dev.tracewright.runtime.store.EventRecord;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceLabels;
import dev.tracewright.runtime.store.TraceRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * The JSON API under {@code /api/}: a thin layer over {@link TraceDb} and {@link StatsReport}, the
 * same queries as the CLI. Every answer is bounded: a page of traces, a capped number of spans and
 * events, the head of a large content, a capped number of stats rows.
 */
final class TraceApi {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  static final int MAX_SPANS = 20_000;
  static final int MAX_EVENTS = 20_000;
  static final int MAX_CONTENT_CHARS = 1 << 20;
  static final int MAX_STATS_ROWS = 1_000;

  private static final List<String> LIST_PARAMS =
      List.of("limit", "before", "beforeId", "since", "until", "name", "status", "model", "q", "text", "sort", "tag", "session", "user");

  private final TraceReads db;
  private final int maxSpans;
  private final CompareApi compare;
  private final TraceRows rows = new TraceRows();

  TraceApi(TraceReads db, int maxSpans) {
    this.db = db;
    this.maxSpans = maxSpans;
    this.compare = new CompareApi(db, maxSpans); // as many rows as a trace page has spans
  }

  /** The answer to {@code GET path?rawQuery}, {@code path} starting after {@code /api}. */
  Object answer(String path, String rawQuery) {
    if (path.equals("/traces")) {
      return traces(QueryParams.parse(rawQuery, LIST_PARAMS));
    }
    if (path.startsWith("/traces/") && path.endsWith("/rows")) {
      return rows(path.substring("/traces/".length(), path.length() - "/rows".length()), QueryParams.parse(rawQuery, List.of("from", "limit")));
    }
    if (path.startsWith("/traces/")) {
      QueryParams.parse(rawQuery, List.of());
      return trace(path.substring("/traces/".length()));
    }
    if (path.startsWith("/content/")) {
      QueryParams.parse(rawQuery, List.of());
      return content(path.substring("/content/".length()));
    }
    if (path.equals("/stats")) {
      return stats(QueryParams.parse(rawQuery, List.of("since")));
    }
    if (path.equals("/compare")) {
      return compare.answer(QueryParams.parse(rawQuery, List.of("a", "b")));
    }
    throw ApiError.notFound("no such endpoint: /api" + Json.clip(path)
        + " (see: /api/traces, /api/traces/{id}, /api/traces/{id}/rows?from=&limit=, /api/content/{hash}, /api/stats, /api/compare?a=&b=)");
  }

  private Map<String, Object> traces(QueryParams p) {
    int limit = limit(p.get("limit"));
    String beforeId = p.get("beforeId");
    if (beforeId != null && !beforeId.matches("[0-9a-f]{32}")) {
      throw ApiError.badRequest("beforeId must be a trace ID (32 lower-case hex digits), not '" + Json.clip(beforeId) + "'");
    }
    Instant before = p.get("before") == null ? null : instant("before", p.get("before"));
    if ((before == null) != (beforeId == null)) {
      throw ApiError.badRequest("before and beforeId go together: the start time and ID of the previous page's last trace");
    }
    // One more than asked tells whether another page follows.
    TraceQuery query = new TraceQuery(limit + 1, before, beforeId, time("since", p.get("since")), time("until", p.get("until")),
        p.get("name"), status(p.get("status")), p.get("model"), p.get("q"), sort(p.get("sort")), p.get("text"), p.get("tag"),
        p.get("session"), p.get("user"));
    List<TraceRecord> found = db.read(traces -> traces.traces(query));
    boolean more = found.size() > limit;
    List<TraceRecord> page = more ? found.subList(0, limit) : found;
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, String> replays = new java.util.HashMap<>();
    Map<String, TraceLabels> labels = new java.util.HashMap<>();
    Map<String, List<String>> previews = new java.util.HashMap<>();
    db.read(traces -> {
      List<String> roots = page.stream().map(TraceRecord::rootSpanId).toList();
      replays.putAll(traces.replayOf(roots));
      labels.putAll(traces.labels(page.stream().map(TraceRecord::traceId).toList()));
      previews.putAll(traces.previews(roots));
      return null;
    });
    out.put("traces", page.stream().map(t -> ApiViews.TraceView.of(t, t.rootSpanId() == null ? null : replays.get(t.rootSpanId()),
        labels.get(t.traceId()), t.rootSpanId() == null ? null : previews.get(t.rootSpanId()))).toList());
    if (more) {
      TraceRecord last = page.get(page.size() - 1);
      out.put("next", Map.of("before", ApiViews.iso(last.startTime()), "beforeId", last.traceId()));
    } else {
      out.put("next", null);
    }
    return out;
  }

  private static int limit(String value) {
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1) {
        return Math.min(limit, MAX_LIMIT);
      }
    } catch (NumberFormatException ignored) {
      // said below
    }
    throw ApiError.badRequest("limit must be a whole number from 1 (at most " + MAX_LIMIT + " are returned), not '" + Json.clip(value) + "'");
  }

  private static TraceQuery.Sort sort(String value) {
    if (value == null) {
      return TraceQuery.Sort.NEWEST;
    }
    try {
      return TraceQuery.Sort.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("sort must be newest, oldest, duration, cost, tokens or spans, not '" + Json.clip(value) + "'");
    }
  }

  private static TraceQuery.Status status(String value) {
    if (value == null) {
      return TraceQuery.Status.ALL;
    }
    try {
      return TraceQuery.Status.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("status must be all, failed, any_error or incomplete, not '" + Json.clip(value) + "'");
    }
  }

  /** An exact point: an ISO-8601 instant or offset date-time (a page cursor). */
  private static Instant instant(String name, String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(name + " must be an ISO-8601 time such as 2026-11-23T10:00:00Z, not '" + Json.clip(value) + "'");
    }
  }

  /** A window bound as the CLI's --since takes it: 30m, 2h, 7d, a date, a local or offset date-time. */
  private static Instant time(String name, String value) {
    if (value == null) {
      return null;
    }
    try {
      return new SinceConverter().convert(value);
    } catch (CommandLine.TypeConversionException e) {
      throw ApiError.badRequest(name + ": " + e.getMessage());
    }
  }

  private Map<String, Object> trace(String id) {
    return db.read(traces -> {
      TraceRecord trace = traces.withTotals(find(traces, id));
      if (trace.spanCount() > maxSpans) {
        return rangedBody(traces, trace); // the page asks for rows as it scrolls
      }
      Map<String, Object> body = traceBody(traces, trace, maxSpans, MAX_EVENTS, spans -> {});
      return Boolean.TRUE.equals(body.get("truncated")) && ((List<?>) body.get("spans")).size() >= maxSpans ? rangedBody(traces, trace) : body;
    });
  }

  private TraceRecord find(TraceDb traces, String id) throws java.sql.SQLException {
    if (!id.matches("[0-9a-fA-F]{1,32}")) {
      throw ApiError.badRequest("'" + Json.clip(id) + "' is not a trace ID: expected up to 32 hex digits");
    }
    List<TraceRecord> found = traces.tracesStartingWith(id);
    if (found.isEmpty()) {
      throw ApiError.notFound("no trace with ID starting '" + id + "'");
    }
    if (found.size() > 1) {
      throw ApiError.badRequest("'" + id + "' matches several traces; give more digits");
    }
    return found.get(0);
  }

  /** A trace larger than one answer holds: its totals, and where to get its rows. */
  private Map<String, Object> rangedBody(TraceDb traces, TraceRecord trace) throws java.sql.SQLException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trace", ApiViews.TraceView.of(traces, trace));
    out.put("spans", List.of());
    out.put("events", List.of());
    out.put("truncated", false);
    out.put("ranged", true);
    out.put("rows", "/api/traces/" + trace.traceId() + "/rows");
    out.put("rowsPerPage", TraceRows.MAX_ROWS_PER_PAGE);
    out.put("spanLimit", maxSpans);
    out.put("eventLimit", MAX_EVENTS);
    return out;
  }

  /** Rows of a trace's tree, depth-first: {@code from} (0 first) and at most {@code limit} of them. */
  private Map<String, Object> rows(String id, QueryParams p) {
    int from = whole("from", p.get("from"), 0);
    int limit = Math.min(whole("limit", p.get("limit"), TraceRows.MAX_ROWS_PER_PAGE), TraceRows.MAX_ROWS_PER_PAGE);
    return db.read(traces -> {
      TraceRecord trace = traces.withTotals(find(traces, id));
      Map<String, Object> page = TraceRows.page(traces, rows.tree(traces, trace), from, limit);
      page.put("trace", ApiViews.TraceView.of(traces, trace));
      return page;
    });
  }

  private static int whole(String name, String value, int otherwise) {
    if (value == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // said below
    }
    throw ApiError.badRequest(name + " must be a whole number from 0, not '" + Json.clip(value) + "'");
  }

  /**
   * One trace as the API and the report give it: the trace, its first {@code maxSpans} spans and
   * events, and whether it was cut. {@code seen} gets the spans kept, as records.
   */
  static Map<String, Object> traceBody(
      TraceDb traces, TraceRecord trace, int maxSpans, int maxEvents, java.util.function.Consumer<List<SpanRecord>> seen)
      throws java.sql.SQLException {
    List<SpanRecord> spans = traces.spans(trace.traceId(), maxSpans + 1);
    boolean spansCut = spans.size() > maxSpans;
    List<SpanRecord> kept = spansCut ? spans.subList(0, maxSpans) : spans;
    List<ApiViews.EventView> events = new ArrayList<>();
    for (List<EventRecord> ofSpan : traces.events(trace.traceId(), maxEvents + 1).values()) {
      ofSpan.forEach(e -> events.add(ApiViews.EventView.of(e)));
    }
    boolean eventsCut = events.size() > maxEvents;
    seen.accept(kept);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trace", ApiViews.TraceView.of(traces, trace));
    out.put("spans", kept.stream().map(ApiViews.SpanView::of).toList());
    out.put("events", eventsCut ? events.subList(0, maxEvents) : events);
    out.put("truncated", spansCut || eventsCut);
    out.put("spanLimit", maxSpans);
    out.put("eventLimit", maxEvents);
    return out;
  }

  private Map<String, Object> content(String hash) {
    if (!hash.matches("[0-9a-f]{64}")) {
      throw ApiError.badRequest("'" + Json.clip(hash) + "' is not a content hash: expected 64 lower-case hex digits (a span's inputRef or outputRef)");
    }
    TraceDb.Content c = db.read(traces -> traces.content(hash, MAX_CONTENT_CHARS));
    if (c == null) {
      throw ApiError.notFound("no content with hash " + hash);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("hash", c.hash());
    out.put("mediaType", c.mediaType());
    out.put("sizeBytes", c.sizeBytes());
    out.put("content", c.text());
    out.put("truncated", c.truncated());
    out.put("limitChars", MAX_CONTENT_CHARS);
    return out;
  }

  private Map<String, Object> stats(QueryParams p) {
    Instant since = time("since", p.get("since"));
    record Read(StatsReport report, StatsSeries series) {}
    Instant now = Instant.now();
    Read read = db.read(traces -> new Read(StatsReport.compute(traces, since), StatsSeries.compute(traces, since, now)));
    StatsReport report = read.report();
    StatsSeries series = read.series();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("since", ApiViews.iso(since));
    boolean cut = false;
    Map<String, List<StatsReport.Row>> groups = new LinkedHashMap<>();
    groups.put("byTrace", report.byTrace());
    groups.put("byModel", report.byModel());
    groups.put("bySpanName", report.bySpanName());
    for (Map.Entry<String, List<StatsReport.Row>> group : groups.entrySet()) {
      List<StatsReport.Row> rows = group.getValue();
      cut |= rows.size() > MAX_STATS_ROWS;
      out.put(group.getKey(), rows.stream().limit(MAX_STATS_ROWS).map(TraceApi::statsRow).toList());
    }
    out.put("truncated", cut);
    out.put("series", seriesView(series));
    return out;
  }

  private static Map<String, Object> seriesView(StatsSeries series) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", ApiViews.iso(series.from()));
    out.put("bucketMs", series.bucketMs());
    out.put("maxBuckets", StatsSeries.MAX_BUCKETS);
    out.put("buckets", series.buckets().stream().map(b -> {
      Map<String, Object> bucket = new LinkedHashMap<>();
      bucket.put("start", ApiViews.iso(b.start()));
      bucket.put("spans", b.spans());
      bucket.put("inputTokens", b.inputTokens());
      bucket.put("outputTokens", b.outputTokens());
      bucket.put("costUsd", b.costUsd());
      bucket.put("errors", b.errors());
      return bucket;
    }).toList());
    return out;
  }

  private static Map<String, Object> statsRow(StatsReport.Row r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("key", r.key());
    row.put("count", r.count());
    row.put("p50Ms", r.p50Ms());
    row.put("p95Ms", r.p95Ms());
    row.put("inputTokens", r.inputTokens());
    row.put("outputTokens", r.outputTokens());
    row.put("costUsd", r.costUsd());
    row.put("unpricedCalls", r.unpricedCalls());
    row.put("errors", r.errors());
    row.put("errorRate", r.errorRate());
    return row;
  }
}
