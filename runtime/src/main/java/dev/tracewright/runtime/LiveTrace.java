package dev.tracewright.runtime;

import dev.tracewright.runtime.context.Ids;
import dev.tracewright.runtime.store.SpanRecord;
import dev.tracewright.runtime.store.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The spans of one trace recorded in this process, and their running totals. When every trace is
 * kept, spans go to the writer as they end (a crash loses little); under a sampling ratio they are
 * held until the root ends and the keep-or-drop decision is made for the whole trace.
 */
final class LiveTrace {
  /** A trace larger than this under sampling is decided early (kept) rather than held in memory. */
  static final int MAX_BUFFERED_SPANS = 10_000;

  final long idHigh;
  final long idLow;
  private final String serviceName;
  private final Sampler sampler;

  // Guarded by this.
  private LiveSpan root;
  private boolean rootEnded;
  private Boolean keep; // null until decided
  private List<LiveSpan> held;
  private int spanCount;
  private int errorCount;
  private long inputTokens;
  private long outputTokens;
  private double costUsd;
  private boolean hasCost;

  LiveTrace(long idHigh, long idLow, String serviceName, Sampler sampler) {
    this.idHigh = idHigh;
    this.idLow = idLow;
    this.serviceName = serviceName;
    this.sampler = sampler;
    if (sampler.keepsAll()) {
      keep = Boolean.TRUE;
    }
  }

  synchronized void setRootIfAbsent(LiveSpan span) {
    if (root == null) {
      root = span;
    }
  }

  /**
   * Accounts for an ended span and passes to {@code write} whatever may now be written; returns how
   * many spans were sampled out.
   */
  int ended(LiveSpan span, Consumer<LiveSpan> write) {
    List<LiveSpan> release = null;
    int sampledOut = 0;
    synchronized (this) {
      spanCount++;
      if (span.isError()) {
        errorCount++;
      }
      if (span.inputTokens > 0) {
        inputTokens += span.inputTokens;
      }
      if (span.outputTokens > 0) {
        outputTokens += span.outputTokens;
      }
      if (!Double.isNaN(span.costUsd)) {
        costUsd += span.costUsd;
        hasCost = true;
      }
      if (span == root) {
        rootEnded = true;
      }
      if (keep == null) {
        if (span != root) {
          if (held == null) {
            held = new ArrayList<>();
          }
          held.add(span);
          if (held.size() >= MAX_BUFFERED_SPANS) {
            keep = Boolean.TRUE; // too big to hold: keep it, and stream the rest
            release = held;
            held = null;
          }
        } else {
          keep = sampler.keep(idLow, errorCount, span.durationNanos());
          release = held == null ? new ArrayList<>(1) : held;
          held = null;
          release.add(span);
          if (!keep) {
            sampledOut = release.size();
            release = null;
          }
        }
      } else if (keep) {
        release = List.of(span);
      } else {
        sampledOut = 1;
      }
      if (release != null && rootEnded) {
        release.get(release.size() - 1).traceSummary = summary();
      }
    }
    if (release != null) {
      release.forEach(write);
    }
    return sampledOut;
  }

  private TraceRecord summary() {
    LiveSpan r = root;
    return new TraceRecord(
        Ids.hex(idHigh, idLow),
        r.name,
        serviceName,
        Clock.instant(r.startEpochNanos),
        Clock.instant(r.startEpochNanos + r.durationNanos()),
        r.durationNanos(),
        r.isError() ? SpanRecord.ERROR : SpanRecord.OK,
        Ids.hex(r.spanId),
        spanCount,
        errorCount,
        inputTokens,
        outputTokens,
        hasCost ? costUsd : null);
  }
}
