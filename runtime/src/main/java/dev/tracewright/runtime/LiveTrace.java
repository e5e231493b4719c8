package dev.tracewright.runtime;

import dev.tracewright.runtime.capture.Captured;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The spans of one trace recorded in this process, and their running totals. When every trace is
 * kept, spans go to the writer as they end, with nothing allocated here (a crash loses little); under
 * a sampling ratio they are held until the root ends and the keep-or-drop decision is made for the
 * whole trace. The span that closes the trace is flagged; the writer thread snapshots the totals
 * and builds the {@code traces} row, so the application thread allocates nothing for it.
 */
final class LiveTrace {
  /** A trace larger than this under sampling is decided early (kept) rather than held in memory. */
  static final int MAX_BUFFERED_SPANS = 10_000;

  /** Totals at one moment, read by the writer thread for the {@code traces} row. */
  record Totals(int spanCount, int errorCount, long inputTokens, long outputTokens, double costUsd, boolean hasCost) {}

  final Recorder recorder;
  final long idHigh;
  final long idLow;
  private final LiveSpan root;

  // Guarded by this.
  private boolean rootEnded;
  private Boolean keep; // null until decided
  private List<LiveSpan> held;
  private int spanCount;
  private int errorCount;
  private long inputTokens;
  private long outputTokens;
  private double costUsd;
  private boolean hasCost;

  /** A trace whose local root is {@code root} (created with it), or null for a remote parent's. */
  LiveTrace(Recorder recorder, long idHigh, long idLow, LiveSpan root) {
    this.recorder = recorder;
    this.idHigh = idHigh;
    this.idLow = idLow;
    this.root = root;
    this.keep = recorder.config.sampler().keepsAll() ? Boolean.TRUE : null;
  }

  LiveSpan root() {
    return root;
  }

  /**
   * Ends a span (with {@code error} as type and message, if it failed, and its captured
   * {@code output}, if any) and accounts for it, in one critical section; passes to {@code write} whatever may
   * now be written. Returns how many spans were sampled out, or -1 if the span had already ended.
   */
  int end(LiveSpan span, long endNanoTime, String[] error, Captured output, Consumer<LiveSpan> write) {
    List<LiveSpan> release = null;
    int sampledOut = 0;
    synchronized (this) {
      if (span.ended) {
        return -1;
      }
      span.ended = true;
      span.endNanoTime = endNanoTime;
      if (error != null) {
        span.errorType = error[0];
        span.errorMessage = error[1];
      }
      if (output != null) {
        span.output = output;
      }
      recorder.price(span);
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
      boolean isRoot = span == root;
      rootEnded |= isRoot;
      if (keep == Boolean.TRUE && held == null) {
        span.writesTrace = rootEnded;
      } else if (keep == null) {
        if (!isRoot) {
          if (held == null) {
            held = new ArrayList<>();
          }
          held.add(span);
          if (held.size() >= MAX_BUFFERED_SPANS) {
            keep = Boolean.TRUE; // too big to hold: keep it, and stream the rest
            release = held;
            held = null;
          }
          span = null;
        } else {
          keep = recorder.config.sampler().keep(idLow, errorCount, span.durationNanos());
          release = held == null ? new ArrayList<>(1) : held;
          held = null;
          release.add(span);
          span.writesTrace = true;
          if (!keep) {
            sampledOut = release.size();
            release = null;
          }
          span = null;
        }
      } else if (keep == Boolean.FALSE) {
        sampledOut = 1;
        span = null;
      }
    }
    if (span != null) {
      write.accept(span); // the common case: keep everything, write as it ends
    }
    if (release != null) {
      release.forEach(write);
    }
    return sampledOut;
  }

  synchronized Totals totals() {
    return new Totals(spanCount, errorCount, inputTokens, outputTokens, costUsd, hasCost);
  }
}
