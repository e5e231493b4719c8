package dev.tracewright.runtime;

import dev.tracewright.runtime.context.Ids;
import dev.tracewright.runtime.store.TracewrightThread;
import java.util.Arrays;

/**
 * The ambient context: the live spans open on one thread, innermost last. Nested traced calls find
 * their parent here, so no context is passed by hand. A span carried to another thread by
 * {@link Tracewright#wrap} is pushed here for the duration of the task.
 */
final class SpanStack {
  private static final ThreadLocal<SpanStack> CURRENT = ThreadLocal.withInitial(SpanStack::new);

  private LiveSpan[] spans = new LiveSpan[8];
  private int size;
  /**
   * True while this thread serializes captured content: traced calls made by getters are not
   * traced. Always true on Tracewright's own threads (writer, exporters): a store or exporter that
   * calls traced code records nothing, so it can neither feed its own queue nor block on it.
   */
  boolean capturing = TracewrightThread.isCurrent();
  /** Attributes for the next span started on this thread, from {@link Tracewright#nextSpanAttributes}. */
  java.util.Map<String, Object> nextSpanAttributes;
  /** The conversation traces started on this thread belong to, from {@link Tracewright#conversation}. */
  String conversation;
  /** An open replay: the next trace started on this thread is answered from its recording. */
  ReplayHook replay;
  /** The runtime {@link #replay} was opened in; it does not outlive that runtime's shutdown. */
  Recorder replayRecorder;
  /** Span IDs for spans started on this thread. */
  final Ids.Reservation ids = new Ids.Reservation();

  static SpanStack get() {
    return CURRENT.get();
  }

  LiveSpan top() {
    return size == 0 ? null : spans[size - 1];
  }

  void push(LiveSpan span) {
    if (size == spans.length) {
      spans = Arrays.copyOf(spans, size * 2);
    }
    spans[size++] = span;
  }

  /**
   * Removes the topmost occurrence of {@code span} and anything above it (spans that were started
   * by hand and never closed), so one leak cannot misparent every later span on this thread.
   */
  void pop(LiveSpan span) {
    for (int i = size - 1; i >= 0; i--) {
      if (spans[i] == span) {
        for (int j = i; j < size; j++) {
          spans[j] = null; // a loop: cheaper than Arrays.fill for the usual one element
        }
        size = i;
        return;
      }
    }
  }
}
