package dev.tracewright.runtime.replay;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One recorded trace, read back from the trace database or from a JSONL file written by
 * {@code tracewright export --format jsonl --content}: the model replay, {@code tracewright diff}
 * and the UI's compare view share. Immutable.
 *
 * <p>Spans come in depth-first tree order, siblings by start time then span ID. A span whose parent
 * is not in the trace (a parent in another process) is a root, like a span without parent.
 */
public final class RecordedTrace {
  private static final Comparator<RecordedSpan> SIBLING_ORDER =
      Comparator.comparing(RecordedSpan::startTime).thenComparing(RecordedSpan::spanId);

  private final String traceId;
  private final List<RecordedSpan> spans;
  private final List<RecordedSpan> roots;
  private final Map<String, List<RecordedSpan>> children;
  private final Map<String, Integer> depths;

  RecordedTrace(String traceId, List<RecordedSpan> unordered) {
    this.traceId = traceId;
    Map<String, RecordedSpan> byId = new HashMap<>();
    for (RecordedSpan s : unordered) {
      byId.put(s.spanId(), s);
    }
    Map<String, List<RecordedSpan>> kids = new HashMap<>();
    List<RecordedSpan> rootList = new ArrayList<>();
    for (RecordedSpan s : byId.values()) {
      if (s.parentSpanId() == null || !byId.containsKey(s.parentSpanId())) {
        rootList.add(s);
      } else {
        kids.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      }
    }
    rootList.sort(SIBLING_ORDER);
    kids.values().forEach(list -> list.sort(SIBLING_ORDER));
    kids.replaceAll((k, v) -> List.copyOf(v));
    this.roots = List.copyOf(rootList);
    this.children = kids;
    // Iterative depth-first walk: a 10,000-deep chain must not overflow the stack.
    List<RecordedSpan> ordered = new ArrayList<>(byId.size());
    Map<String, Integer> depth = new HashMap<>();
    Deque<RecordedSpan> stack = new ArrayDeque<>();
    for (int i = roots.size() - 1; i >= 0; i--) {
      stack.push(roots.get(i));
      depth.put(roots.get(i).spanId(), 0);
    }
    while (!stack.isEmpty()) {
      RecordedSpan s = stack.pop();
      ordered.add(s);
      List<RecordedSpan> c = kids.getOrDefault(s.spanId(), List.of());
      for (int i = c.size() - 1; i >= 0; i--) {
        stack.push(c.get(i));
        depth.put(c.get(i).spanId(), depth.get(s.spanId()) + 1);
      }
    }
    if (ordered.size() < byId.size()) {
      String stuck = byId.keySet().stream().filter(id -> !depth.containsKey(id)).sorted().findFirst().orElseThrow();
      throw new IllegalArgumentException("trace " + traceId + ": span " + stuck + " is its own ancestor (its parent chain is a cycle)");
    }
    this.spans = Collections.unmodifiableList(ordered);
    this.depths = depth;
  }

  /**
   * A trace made of these spans, in any order: for tests that build the spans themselves. A span
   * ID given twice, or a parent chain that loops, is an {@link IllegalArgumentException}.
   */
  public static RecordedTrace of(String traceId, List<RecordedSpan> spans) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (RecordedSpan s : spans) {
      if (!ids.add(s.spanId())) {
        throw new IllegalArgumentException("trace " + traceId + ": span " + s.spanId() + " appears twice");
      }
    }
    return new RecordedTrace(traceId, spans);
  }

  /**
   * The only trace in a JSONL file. A file holding several traces is an
   * {@link IllegalArgumentException} listing their IDs: pick one with {@link #fromFile(Path, String)}.
   */
  public static RecordedTrace fromFile(Path jsonl) {
    return JsonlTraceReader.read(jsonl, null);
  }

  /** The trace whose ID is or starts with {@code traceIdOrPrefix} in a JSONL file. */
  public static RecordedTrace fromFile(Path jsonl, String traceIdOrPrefix) {
    if (traceIdOrPrefix == null) {
      throw new IllegalArgumentException("a trace ID or prefix is required (or use fromFile(path) for a file of one trace)");
    }
    return JsonlTraceReader.read(jsonl, traceIdOrPrefix);
  }

  /**
   * The trace whose ID is or starts with {@code traceIdOrPrefix} in a Tracewright database: spans,
   * events and content (the blob when there is one, else the preview). The connection is only read.
   */
  public static RecordedTrace fromDatabase(Connection c, String traceIdOrPrefix) {
    return DatabaseTraceReader.read(c, traceIdOrPrefix, ContentLoad.FULL);
  }

  /**
   * The trace whose ID is or starts with {@code traceIdOrPrefix} in an {@link
   * dev.tracewright.runtime.store.InMemoryStore}: for tests that record into memory, for example
   * to compare a replayed run with the one it replays.
   */
  public static RecordedTrace fromStore(dev.tracewright.runtime.store.InMemoryStore store, String traceIdOrPrefix) {
    return MemoryTraceReader.read(store, traceIdOrPrefix);
  }

  /** How much of the stored content {@link #fromDatabase(Connection, String, ContentLoad)} reads. */
  public enum ContentLoad {
    /** The blobs themselves: what replay needs. */
    FULL,
    /**
     * Hashes and states only (previews, which are short, are still read): what a comparison needs,
     * without holding a large trace's content in memory. Content kept in a blob has a null json.
     */
    HASHES_ONLY
  }

  /** As {@link #fromDatabase(Connection, String)}, reading content as {@code load} says. */
  public static RecordedTrace fromDatabase(Connection c, String traceIdOrPrefix, ContentLoad load) {
    return DatabaseTraceReader.read(c, traceIdOrPrefix, java.util.Objects.requireNonNull(load, "load"));
  }

  public String traceId() {
    return traceId;
  }

  /** Every span, depth-first; siblings by start time, then span ID. */
  public List<RecordedSpan> spans() {
    return spans;
  }

  /** The first root: the span without a parent (in this trace) that started first. */
  public Optional<RecordedSpan> root() {
    return roots.isEmpty() ? Optional.empty() : Optional.of(roots.get(0));
  }

  /** Every root, in start order: usually one. */
  public List<RecordedSpan> roots() {
    return roots;
  }

  /** The children of a span, by start time then span ID; empty for a leaf or an unknown ID. */
  public List<RecordedSpan> children(String spanId) {
    return children.getOrDefault(spanId, List.of());
  }

  /** How deep a span is: 0 for a root; -1 for an unknown ID. */
  public int depth(String spanId) {
    return depths.getOrDefault(spanId, -1);
  }

  /** The root's name (the trace's name in the database), or null for an empty trace. */
  public String name() {
    return root().map(RecordedSpan::name).orElse(null);
  }

  /** When the first span started. */
  public Instant startTime() {
    return spans.stream().map(RecordedSpan::startTime).min(Comparator.naturalOrder()).orElse(null);
  }

  /** The root's duration; with several roots, from the first start to the last end. */
  public double durationMs() {
    if (roots.size() == 1) {
      return roots.get(0).durationMs();
    }
    Instant start = startTime();
    Instant end = spans.stream().map(RecordedSpan::endTime).max(Comparator.naturalOrder()).orElse(start);
    return start == null ? 0 : java.time.Duration.between(start, end).toNanos() / 1_000_000.0;
  }

  /** ERROR when a root failed (as in the {@code traces} table), else OK. */
  public String status() {
    return roots.stream().anyMatch(RecordedSpan::isError) ? RecordedSpan.ERROR : RecordedSpan.OK;
  }

  public int errorCount() {
    return (int) spans.stream().filter(RecordedSpan::isError).count();
  }

  public long inputTokens() {
    return spans.stream().mapToLong(s -> s.inputTokens() == null ? 0 : s.inputTokens()).sum();
  }

  public long outputTokens() {
    return spans.stream().mapToLong(s -> s.outputTokens() == null ? 0 : s.outputTokens()).sum();
  }

  /** The sum of known costs, or null when no span has one. */
  public Double costUsd() {
    return spans.stream().map(RecordedSpan::costUsd).filter(java.util.Objects::nonNull).reduce(Double::sum).orElse(null);
  }

  /** Spans by ID. */
  public Map<String, RecordedSpan> byId() {
    Map<String, RecordedSpan> out = new LinkedHashMap<>();
    spans.forEach(s -> out.put(s.spanId(), s));
    return out;
  }

  @Override
  public String toString() {
    return "RecordedTrace[" + traceId + ", " + spans.size() + " spans]";
  }
}
