package dev.tracewright.runtime.capture;

/**
 * Payment card numbers: 13 to 19 digits, bare or in groups of 3 to 6 split by one space, dash or
 * dot, that pass the Luhn check <em>and</em> start with an issuer prefix of the right length (Visa,
 * Mastercard, Amex, Discover, JCB, Diners, UnionPay). Luhn alone passes one number in ten, which
 * turned millisecond timestamps, snowflake IDs and IMEIs into cards; none of those has a known
 * issuer prefix at its length (timestamps and snowflakes start with 1, IMEIs have 15 digits).
 * A linear scan over digit groups: no regex, so no backtracking on long digit runs.
 */
final class CardNumberRule implements PatternRedactor.Rule {
  private static final int MIN_DIGITS = 13;
  private static final int MAX_DIGITS = 19;

  @Override
  public String apply(String text) {
    if (!PatternRedactor.hasLongDigitRun(text)) {
      return text;
    }
    StringBuilder sb = null;
    int last = 0;
    int n = text.length();
    int[] starts = new int[8];
    int[] ends = new int[8];
    int i = 0;
    while (i < n) {
      if (!isDigit(text.charAt(i))) {
        i++;
        continue;
      }
      // One chain: digit groups joined by single separators.
      int groups = 0;
      int j = i;
      while (true) {
        int g = j;
        while (j < n && isDigit(text.charAt(j))) {
          j++;
        }
        if (groups == starts.length) {
          starts = java.util.Arrays.copyOf(starts, groups * 2);
          ends = java.util.Arrays.copyOf(ends, groups * 2);
        }
        starts[groups] = g;
        ends[groups] = j;
        groups++;
        if (j + 1 < n && isSeparator(text.charAt(j)) && isDigit(text.charAt(j + 1))) {
          j++;
        } else {
          break;
        }
      }
      boolean bounded = (i == 0 || !isWordChar(text.charAt(i - 1))) && (j == n || !isWordChar(text.charAt(j)));
      if (bounded) {
        for (int s = 0; s < groups; ) {
          int e = cardEndingAt(text, starts, ends, s, groups);
          if (e < 0) {
            s++;
            continue;
          }
          if (sb == null) {
            sb = new StringBuilder(n);
          }
          sb.append(text, last, starts[s]).append(PatternRedactor.marker("card"));
          last = ends[e];
          s = e + 1;
        }
      }
      i = j;
    }
    return sb == null ? text : sb.append(text, last, n).toString();
  }

  /** The last group of a card number starting at group {@code s}, or -1. */
  private static int cardEndingAt(String text, int[] starts, int[] ends, int s, int groups) {
    int digits = 0;
    char separator = 0;
    StringBuilder number = new StringBuilder(MAX_DIGITS);
    for (int e = s; e < groups; e++) {
      int len = ends[e] - starts[e];
      digits += len;
      if (digits > MAX_DIGITS) {
        return -1;
      }
      if (e > s) {
        char sep = text.charAt(starts[e] - 1);
        if (separator == 0) {
          separator = sep;
        }
        // Grouped cards are written 4-4-4-4, 4-6-5, 4-6-4: no 1- or 2-digit groups, one separator.
        if (sep != separator || len < 3 || len > 6 || ends[s] - starts[s] < 3 || ends[s] - starts[s] > 6) {
          return -1;
        }
      }
      number.append(text, starts[e], ends[e]);
      if (digits >= MIN_DIGITS && isCard(number)) {
        return e;
      }
    }
    return -1;
  }

  /** Luhn-valid and an issuer prefix (IIN) whose cards have this many digits. */
  static boolean isCard(CharSequence digits) {
    int len = digits.length();
    if (len < MIN_DIGITS || len > MAX_DIGITS || !PatternRedactor.luhnValid(digits.toString())) {
      return false;
    }
    int p2 = prefix(digits, 2);
    int p3 = prefix(digits, 3);
    int p4 = prefix(digits, 4);
    int p6 = prefix(digits, 6);
    boolean long16to19 = len >= 16;
    return (digits.charAt(0) == '4' && (len == 13 || len == 16 || len == 19)) // Visa
        || (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && len == 16) // Mastercard
        || ((p2 == 34 || p2 == 37) && len == 15) // American Express
        || ((p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925)) && long16to19) // Discover
        || (p4 >= 3528 && p4 <= 3589 && long16to19) // JCB
        || (((p3 >= 300 && p3 <= 305) || p3 == 309 || p2 == 36 || p2 == 38 || p2 == 39) && len >= 14) // Diners Club
        || (p2 == 62 && long16to19); // UnionPay
  }

  private static int prefix(CharSequence digits, int n) {
    int v = 0;
    for (int k = 0; k < n; k++) {
      v = v * 10 + (digits.charAt(k) - '0');
    }
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == '-' || c == '.';
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
