package dev.tracewright.runtime.capture;

/**
 * Email addresses, found from each {@code @}: a local part of up to 64 characters before it and a
 * dotted domain with an alphabetic top-level label after it. Linear (each {@code @} looks at most
 * 64 characters back and 253 forward), where the equivalent regex backtracks at every position.
 */
final class EmailRule implements PatternRedactor.Rule {
  private static final int MAX_LOCAL = 64;
  private static final int MAX_DOMAIN = 253;

  @Override
  public String apply(String text) {
    int at = text.indexOf('@');
    if (at < 0) {
      return text;
    }
    StringBuilder sb = null;
    int last = 0;
    while (at >= 0) {
      int start = at;
      while (start > last && at - start < MAX_LOCAL && isLocal(text.charAt(start - 1))) {
        start--;
      }
      int end = domainEnd(text, at + 1);
      boolean urlUser = start >= 3 && text.startsWith("://", start - 3); // ssh://git@host: a URL's user, not a mailbox
      if (start < at && end > 0 && (start == 0 || !isLocal(text.charAt(start - 1))) && !urlUser && !scpRemote(text, end)) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, last, start).append(PatternRedactor.marker("email"));
        last = end;
        at = text.indexOf('@', end);
      } else {
        at = text.indexOf('@', at + 1);
      }
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  /**
   * {@code git@github.com:org/repo.git}, {@code deploy@host:~/app}: an scp-style remote, a user on
   * a host and a path there, not a mailbox. The host is followed by a colon and, at once, a path.
   * "mail bob@example.com: he knows" has a space after the colon and stays an email.
   */
  private static boolean scpRemote(String text, int domainEnd) {
    if (domainEnd + 1 >= text.length() || text.charAt(domainEnd) != ':') {
      return false;
    }
    char c = text.charAt(domainEnd + 1);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/~._".indexOf(c) >= 0;
  }

  private static boolean isLocal(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "._%+-".indexOf(c) >= 0;
  }

  private static boolean isLabel(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }

  /** End of {@code label(.label)+} whose last label is 2-24 letters, or -1. */
  private static int domainEnd(String text, int from) {
    int i = from;
    int limit = Math.min(text.length(), from + MAX_DOMAIN);
    int dots = 0;
    int labelStart = from;
    int lastGoodEnd = -1;
    while (i < limit) {
      char c = text.charAt(i);
      if (isLabel(c)) {
        i++;
      } else if (c == '.' && i > labelStart && i + 1 < limit && isLabel(text.charAt(i + 1))) {
        dots++;
        labelStart = ++i;
      } else {
        break;
      }
      if (dots > 0 && (i == limit || !isLabel(text.charAt(i))) && isTopLevel(text, labelStart, i)) {
        lastGoodEnd = i;
      }
    }
    return lastGoodEnd;
  }

  private static boolean isTopLevel(String text, int from, int to) {
    if (to - from < 2 || to - from > 24) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        return false;
      }
    }
    return true;
  }
}
