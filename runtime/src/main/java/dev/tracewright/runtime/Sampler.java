package dev.tracewright.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * Which traces to keep. The decision is taken when the root span ends, so a kept trace is kept
 * whole and a dropped one leaves nothing behind. The ratio is applied to the trace ID, so the same
 * trace gets the same answer in every process that uses the same ratio.
 */
public final class Sampler {
  private static final Sampler ALWAYS = new Sampler(1.0, true, null);

  private final double ratio;
  private final boolean keepErrors;
  private final Duration keepSlowerThan;

  private Sampler(double ratio, boolean keepErrors, Duration keepSlowerThan) {
    this.ratio = ratio;
    this.keepErrors = keepErrors;
    this.keepSlowerThan = keepSlowerThan;
  }

  /** Keeps every trace (the default). */
  public static Sampler always() {
    return ALWAYS;
  }

  /** Keeps about {@code ratio} of traces (0..1), and by default every trace with an error. */
  public static Sampler ratio(double ratio) {
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("sampling ratio must be between 0 and 1: " + ratio);
    }
    return new Sampler(ratio, true, null);
  }

  /** Whether a trace with an error span is always kept (default true). */
  public Sampler keepErrors(boolean keep) {
    return new Sampler(ratio, keep, keepSlowerThan);
  }

  /** Traces whose root took at least this long are always kept. */
  public Sampler keepSlowerThan(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("keepSlowerThan must not be negative: " + threshold);
    }
    return new Sampler(ratio, keepErrors, threshold);
  }

  /** True when every trace is kept, so spans can be written as they end. */
  boolean keepsAll() {
    return ratio >= 1.0;
  }

  boolean keep(long traceIdLow, int errorCount, long rootDurationNanos) {
    if (ratio >= 1.0) {
      return true;
    }
    if (keepErrors && errorCount > 0) {
      return true;
    }
    if (keepSlowerThan != null && rootDurationNanos >= keepSlowerThan.toNanos()) {
      return true;
    }
    // Low 63 bits of the random half of the trace ID, as a fraction of the range.
    double position = (traceIdLow >>> 1) / (double) Long.MAX_VALUE;
    return position < ratio;
  }

  @Override
  public String toString() {
    return "Sampler[ratio=" + ratio + ", keepErrors=" + keepErrors + ", keepSlowerThan=" + keepSlowerThan + "]";
  }
}
