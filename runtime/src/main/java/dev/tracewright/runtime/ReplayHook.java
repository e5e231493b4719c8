package dev.tracewright.runtime;

/**
 * Not API: how an open {@code dev.tracewright.runtime.replay.Replay} answers the traced calls of
 * the trace it drives. The runtime calls it only for spans of a replayed trace, so outside a replay
 * it costs nothing. Implementations never throw.
 */
public interface ReplayHook {
  /** The recorded trace's ID: the replayed root's {@code tracewright.replay_of} attribute. */
  String sourceTraceId();

  /**
   * The path of a span named {@code name} under {@code parentPath} (what this method returned for
   * its parent; null for a root): an opaque key the span keeps for its children and its claim.
   * Equal paths (the same names from the root down) give the same key, whatever their depth, at
   * the cost of one small object: a path string per span grew with the square of the depth.
   */
  Object path(Object parentPath, String name);

  /**
   * A span started under {@code parentPath} (the parent's {@link #path}; null for a root). Claims
   * its recording in call order and returns a ticket for {@link #answer}, or null: the call runs
   * for real.
   */
  Object claim(TracedCall.Site site, Object parentPath);

  /**
   * The answer to a claimed call, or null to run it for real.
   *
   * @param redactedInput the call's captured arguments as the recording would hold them (redacted
   *     JSON), or null when this run did not capture them
   */
  Answer answer(Object ticket, TracedCall.Site site, String redactedInput);

  /** A recorded outcome, already read back into the call's types. */
  interface Answer {
    /** A mismatch to throw from the call instead of an answer, or null. */
    RuntimeException mismatch();

    /** The error the call threw (rebuilt), or null. */
    Throwable error();

    /** The returned value (a future's value), when there is no error. */
    Object value();

    /** Recorded model and tokens, copied onto the replayed span; null or -1 when unknown. */
    String model();

    long inputTokens();

    long outputTokens();
  }
}
