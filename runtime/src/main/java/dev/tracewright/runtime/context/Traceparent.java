package dev.tracewright.runtime.context;

import java.util.Optional;

/**
 * The W3C Trace Context {@code traceparent} header: {@code 00-<32 hex trace>-<16 hex span>-<2 hex
 * flags>}. Parsing is lenient in what it ignores and strict in what it accepts: anything malformed
 * gives {@link Optional#empty()}, never an exception, so a bad header just starts a new trace.
 */
public record Traceparent(long traceIdHigh, long traceIdLow, long spanId, boolean sampled) {

  private static final int LENGTH = 55;

  public static Optional<Traceparent> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String h = header.strip();
    // Future versions may append fields after the 55 characters; version ff is invalid.
    if (h.length() < LENGTH
        || (h.length() > LENGTH && (h.charAt(LENGTH) != '-' || h.startsWith("00")))
        || h.charAt(2) != '-'
        || h.charAt(35) != '-'
        || h.charAt(52) != '-'
        || h.startsWith("ff")) {
      return Optional.empty();
    }
    try {
      int version = Integer.parseInt(h.substring(0, 2), 16);
      int flags = Integer.parseInt(h.substring(53, 55), 16);
      if (!isLowerHex(h, 0, 2) || !isLowerHex(h, 53, 55) || version < 0) {
        return Optional.empty();
      }
      long high = Ids.parseHex(h, 3);
      long low = Ids.parseHex(h, 19);
      long span = Ids.parseHex(h, 36);
      if ((high == 0 && low == 0) || span == 0) {
        return Optional.empty();
      }
      return Optional.of(new Traceparent(high, low, span, (flags & 1) == 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isLowerHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  public String traceId() {
    return Ids.hex(traceIdHigh, traceIdLow);
  }

  public String format() {
    return "00-" + traceId() + "-" + Ids.hex(spanId) + (sampled ? "-01" : "-00");
  }

  @Override
  public String toString() {
    return format();
  }
}
