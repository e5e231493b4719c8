package dev.tracewright.runtime;

/** What recording does when the writer's queue is full. */
public enum OverflowPolicy {
  /** Drop the span and count it in {@link Tracewright#stats()}; the application never waits. */
  DROP,
  /** Wait for room: nothing is lost, the application slows down to the store's pace. */
  BLOCK
}
