package dev.tracewright.runtime;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.runtime.capture.Captured;
import dev.tracewright.runtime.store.TraceLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

/**
 * The first span of a trace in this process (a new trace, or one continuing a remote parent). It
 * carries the trace's identity, and its monitor guards the state of every span of the trace, so
 * ending a span, pricing it and counting it is one critical section. A trace that stays a single
 * span allocates nothing more; {@link TraceState} appears when a second span ends or sampling needs
 * to hold spans.
 *
 * <p>When every trace is kept, spans go to the writer as they end (a crash loses little); under a
 * sampling ratio they are held until the root ends and the decision is made for the whole trace.
 * The span that closes the trace is flagged; the writer thread reads {@link #totals()} and builds
 * the {@code traces} row, so the application thread allocates nothing for it.
 */
final class RootSpan extends LiveSpan {
  /** Totals at one moment, read by the writer thread for the {@code traces} row. */
  record Totals(int spanCount, int errorCount, long inputTokens, long outputTokens, double costUsd, boolean hasCost) {}

  final Recorder recorder;
  final long traceIdHigh;
  final long traceIdLow;
  private TraceState state; // guarded by this; null while the root is the only span that ended
  /** The replay answering this trace's calls, or null (almost always). Set at the start. */
  ReplayHook replay;
  /** The writer has written a row for this trace (INCOMPLETE or final). Writer thread only. */
  boolean announced;
  /** Spans of this trace the full queue dropped (the root's end included, should even the reserve be full). */
  private volatile int droppedSpans;
  /** 1 while the writer owes this trace a fresh row because a span was dropped after its root ended. */
  private volatile int rowOwed;

  private static final AtomicIntegerFieldUpdater<RootSpan> DROPPED = AtomicIntegerFieldUpdater.newUpdater(RootSpan.class, "droppedSpans");
  private static final AtomicIntegerFieldUpdater<RootSpan> ROW_OWED = AtomicIntegerFieldUpdater.newUpdater(RootSpan.class, "rowOwed");

  /** The conversation this trace belongs to ({@link Tracewright#conversation}), or null; the first one set stays. */
  volatile String conversation;
  /** The session and user ({@link Tracewright#session}, {@link Tracewright#user}), or null; the last one set stays. */
  volatile String session;
  volatile String user;
  /** Tags in the order first given ({@link Tracewright#tag}); null until one is. Guarded by this. */
  private java.util.LinkedHashSet<String> tags;

  RootSpan(
      Recorder recorder,
      long traceIdHigh,
      long traceIdLow,
      TracedCall.Site site,
      CapturePolicy policy,
      long spanId,
      long parentSpanId,
      long startNanoTime,
      SpanStack stack) {
    super(null, site, policy, spanId, parentSpanId, startNanoTime, stack);
    this.recorder = recorder;
    this.traceIdHigh = traceIdHigh;
    this.traceIdLow = traceIdLow;
  }

  /** The state, created with the root's own contribution if the root already ended. */
  private TraceState state() {
    if (state == null) {
      state = new TraceState(recorder.config.sampler().keepsAll() ? Boolean.TRUE : null);
      if (ended) {
        state.count(this);
      }
    }
    return state;
  }

  /**
   * Ends a span of this trace (with {@code error} as type and message, if it failed, and its
   * captured {@code output}, if any) and accounts for it, in one critical section; passes to
   * {@code write} whatever may now be written. Returns how many spans were sampled out, or -1 if
   * the span had already ended.
   */
  int end(LiveSpan span, long endNanoTime, String[] error, Captured output, Consumer<LiveSpan> write) {
    List<LiveSpan> release = null;
    int sampledOut = 0;
    LiveSpan toWrite = span;
    synchronized (this) {
      if (span.ended) {
        return -1;
      }
      boolean isRoot = span == this;
      boolean single = state == null && isRoot && recorder.config.sampler().keepsAll();
      TraceState s = single ? null : state(); // before the span is marked: the root counts once
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
      if (single) {
        span.writesTrace = true; // the common case: a whole trace of one span, written as it ends
      } else {
        s.count(span);
        if (s.keep == Boolean.TRUE && s.held == null) {
          span.writesTrace = ended; // the root's end closes the trace; a late span updates it
        } else if (s.keep == null) {
          toWrite = null;
          if (!isRoot) {
            release = s.hold(span);
          } else {
            s.keep = recorder.config.sampler().keep(traceIdLow, s.errorCount(), span.durationNanos());
            release = s.held == null ? new ArrayList<>(1) : s.held;
            s.held = null;
            release.add(span);
            span.writesTrace = true;
            if (!s.keep) {
              sampledOut = release.size();
              release = null;
            }
          }
        } else if (s.keep == Boolean.FALSE) {
          sampledOut = 1;
          toWrite = null;
        }
      }
    }
    if (toWrite != null) {
      write.accept(toWrite);
    }
    if (release != null) {
      release.forEach(write);
    }
    return sampledOut;
  }

  /** True once more than the root alone is accounted for: its end then closes a trace the writer may have announced. */
  synchronized boolean spansMoreThanItself() {
    return state != null;
  }

  /**
   * The queue dropped one of this trace's spans. Returns true if the writer now owes the trace a
   * row it would otherwise never write (the root has ended: its row was written without this
   * drop, or its own end was the span dropped), and no earlier drop owes it one already.
   */
  boolean dropped() {
    DROPPED.incrementAndGet(this);
    boolean rootEnded;
    synchronized (this) {
      rootEnded = ended;
    }
    return rootEnded && ROW_OWED.compareAndSet(this, 0, 1);
  }

  int droppedSpans() {
    return droppedSpans;
  }

  /** Writer thread: the owed row is being written now; a later drop owes another. */
  void rowWritten() {
    rowOwed = 0;
  }

  /** The root ended (read by the writer thread for a trace whose end the queue dropped). */
  synchronized boolean hasEnded() {
    return ended;
  }

  /** Adds tags, each cleaned ({@link TraceLabels#clean}: trimmed, blank ignored, cut), up to {@link TraceLabels#MAX_TAGS} for the trace. */
  synchronized void addTags(String[] given) {
    for (String raw : given) {
      String tag = TraceLabels.clean(raw);
      if (tag != null) {
        if (tags == null) {
          tags = new java.util.LinkedHashSet<>(4);
        }
        if (tags.size() >= TraceLabels.MAX_TAGS) {
          return;
        }
        tags.add(tag);
      }
    }
  }

  /** The tags so far (writer thread, when the root is converted); empty if none. */
  synchronized List<String> tags() {
    return tags == null ? List.of() : List.copyOf(tags);
  }

  synchronized Totals totals() {
    if (state != null) {
      return state.totals();
    }
    TraceState alone = new TraceState(Boolean.TRUE); // only the root has ended
    alone.count(this);
    return alone.totals();
  }
}
