package dev.tracewright.runtime.capture;

/**
 * PEM and PGP private keys: from {@code -----BEGIN ... PRIVATE KEY-----} (or {@code PRIVATE KEY
 * BLOCK-----}) to the matching END line. A key with no END line (cut short, pasted in part) is
 * redacted to the end of its string: the next double quote (key bodies never contain one) or the
 * end of the text. Linear: the next END is found once and reused for every BEGIN before it (a
 * regex with a lazy body rescans the rest of the text per BEGIN, which 30,000 BEGINs turn into
 * minutes).
 */
final class PemKeyRule implements PatternRedactor.Rule {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String TAIL = "PRIVATE KEY";
  private static final String DASHES = "-----";
  private static final String BLOCK = " BLOCK-----";
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
        int quote = text.indexOf('"', headerEnd);
        int stop = quote < 0 ? text.length() : quote;
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, last, begin).append(PatternRedactor.marker("private_key"));
        last = stop;
        begin = quote < 0 ? -1 : text.indexOf(BEGIN, stop);
        continue; // no END after this key: its body runs to the end of its string
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

  /** After BEGIN/END: up to 40 capitals and spaces, then PRIVATE KEY( BLOCK)-----; where it ends. */
  private static int privateKeyHeaderEnd(String text, int from) {
    int i = from;
    while (i < text.length() && i - from <= MAX_LABEL) {
      if (text.startsWith(TAIL, i)) {
        int after = i + TAIL.length();
        if (text.startsWith(DASHES, after)) {
          return after + DASHES.length();
        }
        return text.startsWith(BLOCK, after) ? after + BLOCK.length() : -1;
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
