package dev.tracewright.runtime;

/**
 * A span started by hand with {@link SpanBuilder#start()}; ends on {@link #close()}. Use it in a
 * try-with-resources block on the thread that started it.
 */
public interface ActiveSpan extends CurrentSpan, AutoCloseable {

  /** Captures the result under the span's capture policy. */
  ActiveSpan output(Object value);

  /** Marks the span as failed with this error. */
  ActiveSpan error(Throwable error);

  /** Ends the span; later calls do nothing. Never throws. */
  @Override
  void close();
}
