package dev.tracewright.runtime.capture;

import java.net.URI;

/**
 * What Tracewright may write to a log about things it did not make: a user's exception, a store's
 * or exporter's error, a configured URL. Logs are read by more people than the trace database and
 * shipped further, so they never carry user text or configuration secrets raw: messages are
 * capped and pass the default redactor, URLs lose their user info and query string. Internal: not
 * API.
 */
public final class LogSafe {
  private static final Redactor REDACTOR = Redactor.defaults();
  private static final int MAX_MESSAGE = 300;
  private static final int MAX_CAUSES = 8;

  private LogSafe() {}

  /** {@code Type: first line of the message}, capped and redacted. Never throws. */
  public static String describe(Throwable t) {
    if (t == null) {
      return "null";
    }
    String message;
    try {
      message = t.getMessage();
    } catch (Throwable e) {
      message = "[getMessage() threw " + e.getClass().getName() + "]";
    }
    return t.getClass().getName() + (message == null ? "" : ": " + text(message));
  }

  /** A line of text for a log: first line, at most 300 characters (a cut word dropped), redacted. */
  public static String text(String raw) {
    if (raw == null) {
      return null;
    }
    String line = raw;
    int newline = line.indexOf('\n');
    if (newline >= 0) {
      line = line.substring(0, newline);
    }
    if (line.length() > MAX_MESSAGE) {
      int cut = MAX_MESSAGE;
      while (cut > 0 && !Character.isWhitespace(line.charAt(cut - 1))) {
        cut--; // the tail of a cut secret would be too short for its rule: drop the whole word
      }
      line = line.substring(0, cut) + "...";
    }
    try {
      String clean = REDACTOR.redact(line);
      return clean == null ? Redactor.FAILED : clean;
    } catch (RuntimeException | StackOverflowError e) {
      return Redactor.FAILED;
    }
  }

  /**
   * A stand-in to log in place of {@code t}: the same stack frames (code locations, no data) and
   * causes, with each message passed through {@link #describe}. Errors the JVM cannot recover
   * from are returned as they are, so callers can still rethrow them.
   */
  public static Throwable scrub(Throwable t) {
    if (t == null || (t instanceof VirtualMachineError && !(t instanceof StackOverflowError))) {
      return t;
    }
    return scrub(t, 0);
  }

  private static Scrubbed scrub(Throwable t, int depth) {
    Throwable cause = null;
    try {
      cause = t.getCause();
    } catch (Throwable ignored) {
      // a user exception's getCause may throw too: log without the cause
    }
    Scrubbed copy = new Scrubbed(describe(t), cause == null || cause == t || depth >= MAX_CAUSES ? null : scrub(cause, depth + 1));
    try {
      copy.setStackTrace(t.getStackTrace());
    } catch (Throwable ignored) {
      // keep the copy's own frames
    }
    return copy;
  }

  /** {@code scheme://host:port/path}, with {@code ?…} when there was a query. */
  public static String uri(URI uri) {
    if (uri == null) {
      return null;
    }
    String host = uri.getHost() == null ? "" : uri.getHost();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getScheme() + "://" + host + port + path + (uri.getRawQuery() == null ? "" : "?…");
  }

  /** A URL as typed, for a message: no user info, nothing after {@code ?} or {@code #}, redacted. */
  public static String url(String raw) {
    if (raw == null) {
      return null;
    }
    String s = raw;
    int cut = indexOfAny(s, '?', '#');
    if (cut >= 0) {
      s = s.substring(0, cut) + "?…";
    }
    int scheme = s.indexOf("://");
    int at = s.lastIndexOf('@');
    int slash = scheme < 0 ? -1 : s.indexOf('/', scheme + 3);
    if (scheme >= 0 && at > scheme && (slash < 0 || at < slash)) {
      s = s.substring(0, scheme + 3) + "…@" + s.substring(at + 1);
    }
    return text(s);
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  /** Prints as its message: the original type is the message's first word. */
  private static final class Scrubbed extends Exception {
    private static final long serialVersionUID = 1L;

    Scrubbed(String message, Throwable cause) {
      super(message, cause, false, true);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
