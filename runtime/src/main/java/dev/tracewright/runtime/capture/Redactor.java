package dev.tracewright.runtime.capture;

/**
 * Removes secrets and personal data from captured text before it is stored or exported. Runs on
 * the writer thread. Implementations may throw: the caller then stores
 * {@value #FAILED} instead of the text, never the raw value.
 */
@FunctionalInterface
public interface Redactor {
  String FAILED = "[REDACTION_FAILED]";

  String redact(String text);

  /** The built-in rules: keys and tokens of common providers, JWTs, PEM keys, emails, cards. */
  static Redactor defaults() {
    return PatternRedactor.builder().withDefaults().build();
  }

  /** Stores text as captured. Only for data known to hold no secrets. */
  static Redactor none() {
    return text -> text;
  }
}
