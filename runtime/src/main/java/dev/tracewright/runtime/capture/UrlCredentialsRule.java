package dev.tracewright.runtime.capture;

/**
 * Credentials in URLs: {@code postgresql://user:pass@host}, {@code redis://:pass@host},
 * {@code mongodb+srv://u:p@a,b/db}, {@code https://ghp_token@github.com}. Found from each
 * {@code ://}: the password (after the user name's colon) is redacted, the user name and host are
 * kept; a user part with no colon is redacted when it looks like a token (a plain user name such
 * as {@code git} stays). Linear: each {@code ://} looks at most 256 characters ahead.
 */
final class UrlCredentialsRule implements PatternRedactor.Rule {
  private static final int MAX_AUTHORITY = 256;

  @Override
  public String apply(String text) {
    int sep = text.indexOf("://");
    if (sep < 0) {
      return text;
    }
    StringBuilder sb = null;
    int last = 0;
    while (sep >= 0) {
      int from = sep + 3;
      int limit = Math.min(text.length(), from + MAX_AUTHORITY);
      int at = -1;
      int j = from;
      while (j < limit && !endsAuthority(text.charAt(j))) {
        if (text.charAt(j) == '@') {
          at = j; // the last @ before the path: a password may hold an unencoded @
        }
        j++;
      }
      int secretStart = -1;
      if (at > from && sep > 0 && isScheme(text.charAt(sep - 1)) && !text.startsWith("[REDACTED", from)) {
        int colon = text.indexOf(':', from);
        if (colon >= 0 && colon < at) {
          secretStart = colon + 1 < at ? colon + 1 : -1;
        } else if (PatternRedactor.tokenShaped(text, from, at)) {
          secretStart = from;
        }
      }
      if (secretStart >= 0 && !text.startsWith("[REDACTED", secretStart)) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, last, secretStart).append(PatternRedactor.marker("url_credentials"));
        last = at;
        sep = text.indexOf("://", at);
      } else {
        sep = text.indexOf("://", from);
      }
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  private static boolean isScheme(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
  }

  private static boolean endsAuthority(char c) {
    return Character.isWhitespace(c) || "/?#\"'<>\\[]{}|".indexOf(c) >= 0;
  }
}
