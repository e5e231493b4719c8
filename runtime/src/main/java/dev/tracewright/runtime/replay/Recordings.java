package dev.tracewright.runtime.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recorded calls a replay hands out, grouped by parent path and call site, each group in call
 * order (the trace's depth-first order: for sequential code, the order the calls were made).
 * Paths are {@link SpanPaths} nodes, so the index is linear in the number of spans whatever their
 * depth; the replayed run's paths are interned in the same tree, so equal paths meet.
 */
final class Recordings {
  /** A group: the calls of one call site under one parent path (null: at the root). */
  record Key(SpanPaths.Node parentPath, String callSite) {}

  private final SpanPaths paths = new SpanPaths();
  private final Map<Key, List<RecordedSpan>> groups = new HashMap<>();
  private final Map<String, SpanPaths.Node> pathOf = new HashMap<>();
  private final List<RecordedSpan> answerable = new ArrayList<>();

  Recordings(RecordedTrace trace, Set<dev.tracewright.annotations.SpanKind> kinds) {
    for (RecordedSpan s : trace.spans()) { // parents come before their children
      // A parent not in the trace (another process) makes a root, as in RecordedTrace.
      SpanPaths.Node parentPath = s.parentSpanId() == null ? null : pathOf.get(s.parentSpanId());
      pathOf.put(s.spanId(), paths.child(parentPath, s.name()));
      if (kinds.contains(s.kind())) {
        groups.computeIfAbsent(new Key(parentPath, CallSite.of(s)), k -> new ArrayList<>()).add(s);
        answerable.add(s);
      }
    }
  }

  /** The n-th (from 1) recording of the group, or null. */
  RecordedSpan get(Key key, int n) {
    List<RecordedSpan> group = group(key);
    return n <= group.size() ? group.get(n - 1) : null;
  }

  /** The group's recordings in call order. */
  List<RecordedSpan> group(Key key) {
    return groups.getOrDefault(key, List.of());
  }

  int count(Key key) {
    return group(key).size();
  }

  /** Recordings of the replayed kinds, depth-first. */
  List<RecordedSpan> answerable() {
    return answerable;
  }

  /** A recorded span's own path. */
  SpanPaths.Node path(RecordedSpan span) {
    return pathOf.get(span.spanId());
  }

  /** The path of a span of the replayed run named {@code name} under {@code parent} (null: a root). */
  SpanPaths.Node path(SpanPaths.Node parent, String name) {
    return paths.child(parent, name);
  }
}
