package dev.tracewright.runtime.capture;

/**
 * A view of text with JSON escapes decoded at any nesting depth, for the rules to look at again.
 * A String argument holding JSON text is escaped once more when the arguments are serialized, so
 * {@code \}{@code u0073k-proj-...} in the argument reaches the redactor as
 * {@code \\}{@code u0073k-proj-...} (JSON inside that JSON doubles the backslashes again), which
 * {@link JsonEscapeRule} rightly reads as a backslash and the text {@code u0073}.
 *
 * <p>In the view, every run of backslashes followed by {@code u} and four hex digits of printable
 * ASCII (not a quote or a backslash), or by {@code /}, becomes that one character: what a reader
 * sees after decoding as many levels as it takes. The run goes whole, so the view stays valid JSON
 * with quotes, backslashes and control characters escaped as they were. The view changes the
 * meaning of text that only looks like an escape ({@code C:\\}{@code users\\}{@code u0041pp}), so
 * it is used only when the rules find something in it that they did not find in the text
 * itself. Linear: each character is looked at a bounded number of times.
 */
final class NestedEscapes {
  private NestedEscapes() {}

  /** The text with nested escapes decoded, or the same instance when it has none. */
  static String view(String text) {
    int i = text.indexOf("\\\\");
    if (i < 0) {
      return text; // without two backslashes in a row nothing is nested (single ones are JsonEscapeRule's)
    }
    StringBuilder sb = null;
    int last = 0;
    while (i >= 0) {
      int runEnd = i;
      while (runEnd < text.length() && text.charAt(runEnd) == '\\') {
        runEnd++;
      }
      int decoded = -1;
      int width = 0;
      if (runEnd < text.length() && text.charAt(runEnd) == '/') {
        decoded = '/';
        width = 1;
      } else if (runEnd + 5 <= text.length() && text.charAt(runEnd) == 'u') {
        int cp = JsonEscapeRule.hex4(text, runEnd + 1);
        if (cp > 0x20 && cp < 0x7f && cp != '"' && cp != '\\') {
          decoded = cp;
          width = 5;
        }
      }
      if (decoded >= 0) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, last, i).append((char) decoded);
        last = runEnd + width;
      }
      i = text.indexOf('\\', Math.max(runEnd, last));
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }
}
