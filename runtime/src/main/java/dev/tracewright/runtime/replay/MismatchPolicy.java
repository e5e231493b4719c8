package dev.tracewright.runtime.replay;

/** What a call without a matching recording does. */
public enum MismatchPolicy {
  /** It throws {@link ReplayMismatchException}; unused recordings fail {@link Replay#close()}. */
  FAIL,
  /** It runs the real method (and is recorded like any call). */
  LIVE
}
