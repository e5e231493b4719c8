package dev.tracewright.runtime.capture;

import java.util.List;

/**
 * Values of keys named like secrets: {@code "password": "..."} in JSON, and {@code api_key=...} or
 * {@code token: ...} in text. Anchored on each {@code :} and {@code =}: the key is read backwards
 * (at most 64 characters), the value forwards to its closing quote (escapes honoured) or to a
 * delimiter, so the scan is linear whatever the input.
 */
final class SecretValueRule implements PatternRedactor.Rule {
  private static final int MAX_KEY = 64;
  private static final int MAX_GAP = 16;
  /** A key is sensitive when it ends with one of these (case-insensitive): db_password, accessToken. */
  private static final List<String> SENSITIVE_SUFFIXES =
      List.of("password", "passwd", "pwd", "passphrase", "secret", "apikey", "api_key", "api-key", "accesskey",
          "access_key", "token", "authorization", "auth", "credential", "credentials", "privatekey", "private_key",
          "cookie", "session_id");

  @Override
  public String apply(String text) {
    StringBuilder sb = null;
    int last = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != ':' && c != '=') {
        continue;
      }
      int keyEnd = i;
      int gap = 0;
      while (keyEnd > last && gap < MAX_GAP && text.charAt(keyEnd - 1) == ' ') {
        keyEnd--;
        gap++;
      }
      boolean quotedKey = keyEnd > last && text.charAt(keyEnd - 1) == '"';
      int nameEnd = quotedKey ? keyEnd - 1 : keyEnd;
      int nameStart = nameEnd;
      while (nameStart > last && nameEnd - nameStart < MAX_KEY && isKey(text.charAt(nameStart - 1))) {
        nameStart--;
      }
      boolean boundary = quotedKey ? nameStart > 0 && text.charAt(nameStart - 1) == '"' : nameStart == 0 || !isKey(text.charAt(nameStart - 1));
      if (nameStart == nameEnd || !boundary || !sensitive(text, nameStart, nameEnd)) {
        continue;
      }
      int valueStart = i + 1;
      while (valueStart < text.length() && valueStart - i <= MAX_GAP && text.charAt(valueStart) == ' ') {
        valueStart++;
      }
      if (valueStart >= text.length() || text.startsWith("[REDACTED", valueStart)) {
        continue;
      }
      char open = text.charAt(valueStart);
      int valueEnd;
      if (open == '"' || open == '\'') {
        valueStart++;
        valueEnd = closingQuote(text, valueStart, open);
      } else if (quotedKey) {
        continue; // a JSON number, boolean or object: not a secret string
      } else {
        valueEnd = valueStart;
        while (valueEnd < text.length() && !isDelimiter(text.charAt(valueEnd))) {
          valueEnd++;
        }
      }
      if (valueEnd <= valueStart || text.startsWith("[REDACTED", valueStart)) {
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(text.length());
      }
      sb.append(text, last, valueStart).append(PatternRedactor.marker("secret"));
      last = valueEnd;
      i = valueEnd - 1;
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  private static boolean sensitive(String text, int from, int to) {
    for (String suffix : SENSITIVE_SUFFIXES) {
      int n = suffix.length();
      if (to - from >= n && text.regionMatches(true, to - n, suffix, 0, n)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isKey(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  }

  private static boolean isDelimiter(char c) {
    return Character.isWhitespace(c) || ",;&\"'}".indexOf(c) >= 0;
  }

  /** Index of the closing quote (escapes skipped), or the end of the text. */
  private static int closingQuote(String text, int from, char quote) {
    int i = from;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == quote) {
        return i;
      } else {
        i++;
      }
    }
    return text.length();
  }
}
