package dev.tracewright.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * What a trace needs once it is more than its root: running totals over its ended spans and, under a
 * sampling ratio, the spans held until the keep-or-drop decision. Created by the root span the first
 * time it is needed (most traced calls in a hot loop are single-span traces and never need one).
 * Guarded by the root span's lock.
 */
final class TraceState {
  /** A trace larger than this under sampling is decided early (kept) rather than held in memory. */
  static final int MAX_BUFFERED_SPANS = 10_000;

  Boolean keep; // null until decided
  List<LiveSpan> held;
  private int spanCount;
  private int errorCount;
  private long inputTokens;
  private long outputTokens;
  private double costUsd;
  private boolean hasCost;

  TraceState(Boolean keep) {
    this.keep = keep;
  }

  void count(LiveSpan span) {
    spanCount++;
    if (span.isError()) {
      errorCount++;
    }
    if (span.inputTokens() > 0) {
      inputTokens += span.inputTokens();
    }
    if (span.outputTokens() > 0) {
      outputTokens += span.outputTokens();
    }
    if (!Double.isNaN(span.costUsd())) {
      costUsd += span.costUsd();
      hasCost = true;
    }
  }

  /** Holds a span until the decision; returns the held spans if the trace grew too big to hold. */
  List<LiveSpan> hold(LiveSpan span) {
    if (held == null) {
      held = new ArrayList<>();
    }
    held.add(span);
    if (held.size() < MAX_BUFFERED_SPANS) {
      return null;
    }
    keep = Boolean.TRUE; // too big to hold: keep it, and stream the rest
    List<LiveSpan> release = held;
    held = null;
    return release;
  }

  int errorCount() {
    return errorCount;
  }

  RootSpan.Totals totals() {
    return new RootSpan.Totals(spanCount, errorCount, inputTokens, outputTokens, costUsd, hasCost);
  }
}
