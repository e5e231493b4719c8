package dev.tracewright.runtime.replay;

/**
 * A recorded error that could not be rebuilt as its own type (no {@code (String)} constructor, a
 * checked exception the method does not declare, or a class not on the classpath): it carries the
 * recorded type and message.
 */
public class ReplayedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String recordedType;
  private final String recordedMessage;

  public ReplayedException(String recordedType, String recordedMessage) {
    super(recordedMessage == null ? recordedType : recordedType + ": " + recordedMessage);
    this.recordedType = recordedType;
    this.recordedMessage = recordedMessage;
  }

  /** The recorded error's class name. */
  public String recordedType() {
    return recordedType;
  }

  /** The recorded (redacted) message, or null. */
  public String recordedMessage() {
    return recordedMessage;
  }
}
