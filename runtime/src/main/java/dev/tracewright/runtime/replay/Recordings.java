package dev.tracewright.runtime.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recorded calls a replay hands out, grouped by parent path and call site, each group in call
 * order (the trace's depth-first order: for sequential code, the order the calls were made).
 */
final class Recordings {
  /** A group: the calls of one call site under one parent path. */
  record Key(String parentPath, String callSite) {}

  private final Map<Key, List<RecordedSpan>> groups = new HashMap<>();
  private final Map<String, String> paths = new HashMap<>();
  private final List<RecordedSpan> answerable = new ArrayList<>();

  Recordings(RecordedTrace trace, Set<dev.tracewright.annotations.SpanKind> kinds) {
    Map<String, RecordedSpan> byId = trace.byId();
    for (RecordedSpan s : trace.spans()) { // parents come before their children
      RecordedSpan parent = s.parentSpanId() == null ? null : byId.get(s.parentSpanId());
      String parentPath = parent == null ? null : paths.get(parent.spanId());
      paths.put(s.spanId(), parentPath == null ? s.name() : parentPath + "/" + s.name());
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

  String path(RecordedSpan span) {
    return paths.get(span.spanId());
  }
}
