package dev.tracewright.runtime.replay;

/** How a call finds its recording. */
public enum Matching {
  /** The n-th call of a call site under the same parent path gets the n-th recording of it. */
  ORDERED,
  /** As {@link #ORDERED}, and the captured arguments (redacted, as JSON) must equal the recorded ones. */
  STRICT
}
