package dev.tracewright.sample;

/** The model endpoint failed; the message says which endpoint and why. */
public class LlmException extends Exception {
  private static final long serialVersionUID = 1L;

  public LlmException(String message, Throwable cause) {
    super(message, cause);
  }
}
