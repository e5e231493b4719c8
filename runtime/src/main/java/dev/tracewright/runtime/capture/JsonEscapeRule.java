package dev.tracewright.runtime.capture;

/**
 * Decodes {@code \}{@code u0073}-style escapes of printable ASCII (and {@code \/}) before the other
 * rules run, so they see what a reader of the JSON sees: {@code \}{@code u0073k-proj-...} is an
 * OpenAI key. Quotes, backslashes and control characters stay escaped, so JSON stays valid JSON
 * with the same meaning. {@code \\} pairs are skipped whole: {@code \\u0073} is a backslash and
 * the text {@code u0073} (escapes nested in JSON inside a JSON string are {@link NestedEscapes}'
 * work). Linear, and a no-op (same instance) for text without backslashes.
 */
final class JsonEscapeRule implements PatternRedactor.Rule {

  @Override
  public String apply(String text) {
    int i = text.indexOf('\\');
    if (i < 0) {
      return text;
    }
    StringBuilder sb = null;
    int last = 0;
    while (i >= 0 && i + 1 < text.length()) {
      char next = text.charAt(i + 1);
      int decoded = -1;
      int width = 2;
      if (next == '/') {
        decoded = '/';
      } else if (next == 'u' && i + 6 <= text.length()) {
        int cp = hex4(text, i + 2);
        if (cp > 0x20 && cp < 0x7f && cp != '"' && cp != '\\') {
          decoded = cp;
          width = 6;
        }
      }
      if (decoded >= 0) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, last, i).append((char) decoded);
        last = i + width;
        i = text.indexOf('\\', last);
      } else {
        i = text.indexOf('\\', i + 2); // an escape we keep, \\ included
      }
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  /** The value of the 4 hex digits at {@code from}, or -1 if they are not hex digits. */
  static int hex4(String text, int from) {
    int v = 0;
    for (int k = from; k < from + 4; k++) {
      int d = Character.digit(text.charAt(k), 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }
}
