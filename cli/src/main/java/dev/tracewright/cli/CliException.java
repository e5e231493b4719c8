package dev.tracewright.cli;

/** A problem with what the user asked for: printed as one line, exit code 2, no stack trace. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message, null, false, false);
  }
}
