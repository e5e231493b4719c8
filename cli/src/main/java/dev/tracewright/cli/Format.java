package dev.tracewright.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the CLI writes numbers: short, aligned, unambiguous. */
public final class Format {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  private Format() {}

  public static String duration(double ms) {
    if (ms >= 60_000) {
      return String.format(Locale.ROOT, "%.1f min", ms / 60_000);
    }
    if (ms >= 1_000) {
      return String.format(Locale.ROOT, "%.2f s", ms / 1_000);
    }
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(Locale.ROOT, "%.0f µs", ms * 1_000);
  }

  public static String tokens(long tokens) {
    return String.format(Locale.ROOT, "%,d", tokens);
  }

  public static String cost(Double usd) {
    if (usd == null) {
      return "-";
    }
    if (usd >= 1) {
      return String.format(Locale.ROOT, "$%.2f", usd);
    }
    // Small calls cost fractions of a cent; keep two significant digits visible.
    return usd >= 0.001 || usd == 0 ? String.format(Locale.ROOT, "$%.4f", usd) : String.format(Locale.ROOT, "$%.6f", usd);
  }

  /**
   * A sum of costs of which {@code unpriced} calls have none (their model has no price): the known
   * part and how many are unknown, so a partial total never reads as the whole, nor an unknown as $0.
   * "$0.0123 + unknown (2 calls)", "unknown (1 call)"; with none unpriced, as {@link #cost(Double)}.
   */
  public static String cost(Double usd, long unpriced) {
    if (unpriced <= 0) {
      return cost(usd);
    }
    String unknown = UNKNOWN + " (" + unpriced + (unpriced == 1 ? " call)" : " calls)");
    return usd == null ? unknown : cost(usd) + " + " + unknown;
  }

  /** The cost of a call whose model has no price. */
  public static final String UNKNOWN = "unknown";

  public static String time(Instant instant) {
    return instant == null ? "-" : TIME.format(instant);
  }
}
