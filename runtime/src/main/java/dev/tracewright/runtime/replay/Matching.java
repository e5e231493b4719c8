package dev.tracewright.runtime.replay;

/** How a call finds its recording. */
public enum Matching {
  /**
   * The n-th call of a call site under the same parent path gets the n-th recording of it. Calls
   * that start in another order than recorded (a parallel fan-out) first look, among the recordings
   * still left there, for one with equal arguments.
   */
  ORDERED,
  /**
   * As {@link #ORDERED}, and the captured arguments (redacted, as JSON) must equal the recorded ones.
   * The default of both {@code Replay} and {@code @ReplayTrace}.
   */
  STRICT
}
