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

  /**
   * Whether every value under this attribute key is a secret whatever it looks like (a numeric
   * {@code password}, a {@code signingKey}): such values are stored as {@code [REDACTED:secret]}.
   * The default redactor says yes for keys named like passwords, tokens and keys.
   */
  default boolean hidesValueOf(String key) {
    return false;
  }

  /**
   * The built-in rules: keys and tokens of common providers, JWTs, PEM and PGP keys, credentials
   * in URLs and Authorization values, values of secret-named keys, emails, payment cards.
   */
  static Redactor defaults() {
    return PatternRedactor.builder().withDefaults().build();
  }

  /** Stores text as captured. Only for data known to hold no secrets. */
  static Redactor none() {
    return text -> text;
  }
}
