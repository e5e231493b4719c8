package dev.tracewright.runtime;

/**
 * A span started by hand with {@link SpanBuilder#start()}; ends on {@link #close()}. Use it in a
 * try-with-resources block on the thread that started it.
 */
public interface ActiveSpan extends CurrentSpan, AutoCloseable {

  /** Captures the result under the span's capture policy. */
  ActiveSpan output(Object value);

  /**
   * Captures {@code value} as the span's whole input under its capture policy, replacing inputs
   * given to the builder. Nothing happens under {@code METADATA_ONLY}.
   */
  ActiveSpan captureInput(Object value);

  /**
   * Whether the span's policy keeps content: false under {@code METADATA_ONLY} and when not
   * recording. Check it before building a value only worth building to be captured.
   */
  boolean capturesContent();

  /** Marks the span as failed with this error. */
  ActiveSpan error(Throwable error);

  /**
   * Drops the span instead of ending it: it is never stored, and later calls do nothing. For a span
   * started in case nothing else records the same work, when something else did.
   */
  void discard();

  /** Ends the span; later calls do nothing. Never throws. */
  @Override
  void close();
}
