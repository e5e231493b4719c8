package dev.tracewright.runtime;

/**
 * Implement on what an {@code @LlmCall} returns (or completes its future with) and Tracewright
 * records its token usage, and model if given, without a call to {@code Tracewright.current()}.
 * Explicit {@code current().tokens(...)} calls win.
 */
public interface TokenUsage {
  long inputTokens();

  long outputTokens();

  /** The model that answered, if the response says; null keeps the annotation's. */
  default String responseModel() {
    return null;
  }
}
