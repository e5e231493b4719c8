package dev.tracewright.runtime.replay;

import java.util.Locale;

/** A trace ID or its prefix as the user typed it: lower-case hex, 1 to 32 digits. */
final class TracePrefix {
  private TracePrefix() {}

  static String normalize(String idOrPrefix) {
    String p = idOrPrefix.trim().toLowerCase(Locale.ROOT);
    if (!p.matches("[0-9a-f]{1,32}")) {
      throw new IllegalArgumentException("'" + printable(idOrPrefix) + "' is not a trace ID: expected up to 32 hex digits");
    }
    return p;
  }

  /** Control characters shown as escapes, so a message stays one line. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(80).forEach(c -> {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
