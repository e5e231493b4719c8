package dev.tracewright.runtime.replay;

/**
 * A replayed run did not follow its recording: a call with no recording, arguments that differ
 * under {@link Matching#STRICT}, a recorded value that cannot be read back into the return type,
 * or recordings left unused. The message names the call (call site, path, n), the recording it
 * expected and what differs.
 */
public class ReplayMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReplayMismatchException(String message) {
    super(message);
  }

  ReplayMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
