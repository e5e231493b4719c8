package dev.tracewright.runtime.replay;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One group's recordings (a call site under one parent path) as a replay hands them out: by equal
 * arguments, by number, or the first left. Indexed once, so each call costs the same however many
 * calls the group has (scanning the group per call made a loop of 4,000 calls take 9 s).
 * Recordings taken elsewhere (the engine's {@code used} set) are skipped lazily.
 */
final class OpenGroup {
  private final List<RecordedSpan> inOrder;
  private final Map<Object, ArrayDeque<RecordedSpan>> byArguments = new HashMap<>();
  private int firstLeft;

  OpenGroup(List<RecordedSpan> inOrder, RecordedValues values) {
    this.inOrder = inOrder;
    for (RecordedSpan r : inOrder) {
      if (r.input().json() != null) {
        byArguments.computeIfAbsent(values.argumentsKey(r.input().json()), k -> new ArrayDeque<>()).add(r);
      }
    }
  }

  /** The first recording left whose arguments equal {@code argumentsKey}, or null. */
  RecordedSpan withArguments(Object argumentsKey, Set<String> used) {
    ArrayDeque<RecordedSpan> equal = byArguments.get(argumentsKey);
    while (equal != null && !equal.isEmpty()) {
      if (!used.contains(equal.peekFirst().spanId())) {
        return equal.peekFirst();
      }
      equal.pollFirst();
    }
    return null;
  }

  /** The n-th recording (from 1) if it is left, else null. */
  RecordedSpan nth(int n, Set<String> used) {
    RecordedSpan r = n <= inOrder.size() ? inOrder.get(n - 1) : null;
    return r == null || used.contains(r.spanId()) ? null : r;
  }

  /** The first recording left in call order, or null. */
  RecordedSpan first(Set<String> used) {
    while (firstLeft < inOrder.size() && used.contains(inOrder.get(firstLeft).spanId())) {
      firstLeft++;
    }
    return firstLeft < inOrder.size() ? inOrder.get(firstLeft) : null;
  }
}
