package dev.tracewright.runtime.replay;

import java.util.HashMap;
import java.util.Map;

/**
 * One instance of each repeated value a reader meets (span names, statuses, call sites, parent
 * span IDs): a long trace repeats a few strings on every span, and a reader makes a new copy of
 * each every time. Bounded, so a trace of distinct names costs no more than without it.
 */
final class SharedStrings {
  private static final int MAX = 1 << 16;
  private final Map<String, String> known = new HashMap<>();

  /** The instance seen first that equals {@code s}, or {@code s}. */
  String of(String s) {
    if (s == null) {
      return null;
    }
    String first = known.get(s);
    if (first != null) {
      return first;
    }
    if (known.size() < MAX) {
      known.put(s, s);
    }
    return s;
  }
}
