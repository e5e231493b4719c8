package dev.tracewright.cli;

/**
 * Captured text (span names, errors, model output) is untrusted: printed raw, an escape sequence in
 * it could rewrite the terminal, hide lines or change the window title. Control characters, DEL,
 * the C1 range and bidirectional overrides are shown as {@code \u001b}-style escapes instead.
 */
final class TerminalText {
  private TerminalText() {}

  static String escape(String text) {
    if (text == null) {
      return null;
    }
    int i = 0;
    while (i < text.length() && !unsafe(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\t') {
        out.append(' ');
      } else if (unsafe(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean unsafe(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
  }
}
