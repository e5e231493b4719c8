package dev.tracewright.runtime.capture;

/**
 * AWS secret access keys in prose ("the AWS secret is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"):
 * exactly 40 base64 characters with upper case, lower case and a digit or slash, within 100
 * characters after the word {@code aws} or {@code secret}. A key has no prefix of its own, so the
 * context is what tells it from other base64; hex digests (no upper case) never match. Under a
 * key name ({@code aws_secret_access_key=...}) the key/value rule finds it anyway.
 */
final class AwsSecretKeyRule implements PatternRedactor.Rule {
  private static final int LENGTH = 40;
  private static final int CONTEXT = 100;

  @Override
  public String apply(String text) {
    if (!PatternRedactor.contains(text, "aws", true) && !PatternRedactor.contains(text, "secret", true)) {
      return text;
    }
    StringBuilder sb = null;
    int last = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      if (!isBase64(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && isBase64(text.charAt(i))) {
        i++;
      }
      boolean bounded = (start == 0 || !isWordLike(text.charAt(start - 1))) && (i == n || !isWordLike(text.charAt(i)));
      if (i - start == LENGTH && bounded && shaped(text, start, i) && inContext(text, start)) {
        if (sb == null) {
          sb = new StringBuilder(n);
        }
        sb.append(text, last, start).append(PatternRedactor.marker("aws_secret_key"));
        last = i;
      }
    }
    return sb == null ? text : sb.append(text, last, n).toString();
  }

  private static boolean shaped(String text, int from, int to) {
    boolean upper = false;
    boolean lower = false;
    boolean digitOrSlash = false;
    for (int k = from; k < to; k++) {
      char c = text.charAt(k);
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digitOrSlash |= (c >= '0' && c <= '9') || c == '/' || c == '+';
    }
    return upper && lower && digitOrSlash;
  }

  private static boolean inContext(String text, int start) {
    int from = Math.max(0, start - CONTEXT);
    for (int k = from; k < start; k++) {
      if (text.regionMatches(true, k, "aws", 0, 3) || text.regionMatches(true, k, "secret", 0, 6)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBase64(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '+';
  }

  private static boolean isWordLike(char c) {
    return c == '_' || c == '-' || c == '=' || Character.isLetterOrDigit(c);
  }
}
