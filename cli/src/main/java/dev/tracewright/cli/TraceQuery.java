package dev.tracewright.cli;

import java.time.Instant;
import java.util.Objects;

/**
 * Which traces to list, newest first: a page of at most {@code limit}, after the trace
 * {@code (before, beforeId)} in that order (the previous page's last; null for the first page) and
 * started in {@code [since, until)},
 * optionally only those whose name contains some text, with a status, a model, a span whose name
 * contains some text, or stored content that contains a phrase ({@code text}), and only those with
 * a tag, a session or a user ({@code Tracewright.tag/session/user}; exact matches).
 * Every filter is applied while walking an index of {@code traces} newest first, so a page costs
 * the rows it returns plus the ones it skips, never the whole table.
 */
public record TraceQuery(
    int limit,
    Instant before,
    String beforeId,
    Instant since,
    Instant until,
    String name,
    Status status,
    String model,
    String spanText,
    Sort sort,
    String text,
    String tag,
    String session,
    String user) {

  /** The order of the list: newest first (default), or the largest of a measure first (ties newest first). */
  public enum Sort {
    NEWEST(null),
    OLDEST(null),
    DURATION("duration_ms"),
    COST("cost_usd"),
    TOKENS("total_tokens"),
    SPANS("span_count");

    /** The traces column sorted on, largest first; null for the time orders. */
    final String column;

    Sort(String column) {
      this.column = column;
    }
  }

  /** With a content search, any tag, session and user. */
  public TraceQuery(int limit, Instant before, String beforeId, Instant since, Instant until, String name, Status status, String model, String spanText,
      Sort sort, String text) {
    this(limit, before, beforeId, since, until, name, status, model, spanText, sort, text, null, null, null);
  }

  /** Without a content search; only traces with a tag, session and user (each null for any). */
  public TraceQuery(int limit, Instant before, String beforeId, Instant since, Instant until, String name, Status status, String model, String spanText,
      Sort sort, String tag, String session, String user) {
    this(limit, before, beforeId, since, until, name, status, model, spanText, sort, null, tag, session, user);
  }

  /** Newest first. */
  public TraceQuery(int limit, Instant before, String beforeId, Instant since, Instant until, String name, Status status, String model, String spanText) {
    this(limit, before, beforeId, since, until, name, status, model, spanText, Sort.NEWEST);
  }

  /** No content search, any tag, session and user. */
  public TraceQuery(int limit, Instant before, String beforeId, Instant since, Instant until, String name, Status status, String model, String spanText,
      Sort sort) {
    this(limit, before, beforeId, since, until, name, status, model, spanText, sort, null, null, null, null);
  }

  /** Which outcomes to keep. */
  public enum Status {
    /** Every trace. */
    ALL,
    /** The run failed: its root span ended in an error. */
    FAILED,
    /** Any span had an error, also when the agent recovered and its root ended OK. */
    ANY_ERROR,
    /** The root has not ended: still running, or the process stopped. */
    INCOMPLETE
  }

  public static final int MAX_LIMIT = 1000;

  public TraceQuery {
    if ((before == null) != (beforeId == null)) {
      throw new CliException("a page starts after a trace: give both its start time and its ID");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new CliException("the limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
    }
    status = Objects.requireNonNullElse(status, Status.ALL);
    sort = Objects.requireNonNullElse(sort, Sort.NEWEST);
    name = blankToNull(name);
    model = blankToNull(model);
    spanText = blankToNull(spanText);
    text = blankToNull(text);
    tag = blankToNull(tag);
    session = blankToNull(session);
    user = blankToNull(user);
  }

  /** Whether only traces with a tag, session or user are wanted. */
  public boolean byLabel() {
    return tag != null || session != null || user != null;
  }

  public static TraceQuery recent(int limit) {
    return new TraceQuery(limit, null, null, null, null, null, Status.ALL, null, null);
  }

  public TraceQuery since(Instant from) {
    return new TraceQuery(limit, before, beforeId, from, until, name, status, model, spanText, sort, text, tag, session, user);
  }

  public TraceQuery status(Status only) {
    return new TraceQuery(limit, before, beforeId, since, until, name, only, model, spanText, sort, text, tag, session, user);
  }

  public TraceQuery sorted(Sort by) {
    return new TraceQuery(limit, before, beforeId, since, until, name, status, model, spanText, by, text, tag, session, user);
  }

  /** Only traces whose name contains {@code text} (case-insensitive). */
  public TraceQuery named(String text) {
    return new TraceQuery(limit, before, beforeId, since, until, text, status, model, spanText, sort, this.text, tag, session, user);
  }

  /** Only traces whose stored content contains {@code phrase} (case-insensitive). */
  public TraceQuery text(String phrase) {
    return new TraceQuery(limit, before, beforeId, since, until, name, status, model, spanText, sort, phrase, tag, session, user);
  }

  /** Only traces with this tag, session and user (each null for any). */
  public TraceQuery labelled(String withTag, String inSession, String ofUser) {
    return new TraceQuery(limit, before, beforeId, since, until, name, status, model, spanText, sort, text, withTag, inSession, ofUser);
  }

  /** The next page: traces that come after {@code last} in this query's order. */
  public TraceQuery after(dev.tracewright.runtime.store.TraceRecord last) {
    return new TraceQuery(limit, last.startTime(), last.traceId(), since, until, name, status, model, spanText, sort, text, tag, session, user);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
