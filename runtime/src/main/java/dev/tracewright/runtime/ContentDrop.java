package dev.tracewright.runtime;

import dev.tracewright.runtime.capture.Captured;
import java.nio.charset.StandardCharsets;

/**
 * Captured content given up to bound memory: the span keeps its metadata, and its input and output
 * become a small marker saying why. Markers are shared constants, so they weigh nothing against
 * the content budget.
 */
final class ContentDrop {
  static final Captured OVER_BUDGET = marker("over the queued-content budget (TraceConfig.queuedContentBytes)");
  static final Captured OUT_OF_MEMORY = marker("memory ran out while capturing or writing it");

  private ContentDrop() {}

  private static Captured marker(String why) {
    return new Captured(("{\"$contentDropped\":\"" + why + "\"}").getBytes(StandardCharsets.UTF_8), false);
  }

  static boolean isMarker(Captured c) {
    return c == OVER_BUDGET || c == OUT_OF_MEMORY;
  }

  /** Bytes of captured content the ended span holds (markers count nothing). */
  static long bytes(LiveSpan span) {
    return size(span.input) + size(span.output);
  }

  private static long size(Captured c) {
    return c == null || isMarker(c) ? 0 : c.json().length;
  }

  /** Replaces the span's content with {@code marker}; false if it had none. Ended spans only. */
  static boolean drop(LiveSpan span, Captured marker) {
    boolean had = bytes(span) > 0;
    if (span.input != null && !isMarker(span.input)) {
      span.input = marker;
    }
    if (span.output != null && !isMarker(span.output)) {
      span.output = marker;
    }
    return had;
  }
}
