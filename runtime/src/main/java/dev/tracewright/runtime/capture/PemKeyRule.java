package dev.tracewright.runtime.capture;

/**
 * PEM private keys: from {@code -----BEGIN ... PRIVATE KEY-----} to the matching END line. Linear:
 * the next END is found once and reused for every BEGIN before it (a regex with a lazy body
 * rescans the rest of the text per BEGIN, which 30,000 BEGINs turn into minutes).
 */
final class PemKeyRule implements PatternRedactor.Rule {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String TAIL = "PRIVATE KEY-----";
  private static final int MAX_LABEL = 40;

  @Override
  public String apply(String text) {
    int begin = text.indexOf(BEGIN);
    if (begin < 0) {
      return text;
    }
    StringBuilder sb = null;
    int last = 0;
    int end = -2; // position of the next END marker at or after `begin`; -1 when there is none
    while (begin >= 0) {
      int headerEnd = privateKeyHeaderEnd(text, begin + BEGIN.length());
      if (headerEnd < 0) {
        begin = text.indexOf(BEGIN, begin + 1);
        continue;
      }
      if (end != -1 && end < headerEnd) {
        end = text.indexOf(END, headerEnd);
      }
      if (end < 0) {
        break; // no END anywhere after: nothing more to redact
      }
      int footerEnd = privateKeyHeaderEnd(text, end + END.length());
      if (footerEnd < 0) {
        end = text.indexOf(END, end + 1); // the END of something else (a certificate): look past it
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(text.length());
      }
      sb.append(text, last, begin).append(PatternRedactor.marker("private_key"));
      last = footerEnd;
      begin = text.indexOf(BEGIN, footerEnd);
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  /** After BEGIN/END: up to 40 capitals and spaces, then PRIVATE KEY-----; returns where it ends. */
  private static int privateKeyHeaderEnd(String text, int from) {
    int i = from;
    while (i < text.length() && i - from <= MAX_LABEL) {
      if (text.startsWith(TAIL, i)) {
        return i + TAIL.length();
      }
      char c = text.charAt(i);
      if (!(c == ' ' || (c >= 'A' && c <= 'Z'))) {
        return -1;
      }
      i++;
    }
    return -1;
  }
}
