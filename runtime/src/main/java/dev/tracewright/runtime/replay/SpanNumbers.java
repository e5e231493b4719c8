package dev.tracewright.runtime.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The times, durations and token counts a reader accepts, checked as each span is read so that a
 * bad value is one error naming the span and field. Unchecked, times centuries apart overflowed
 * later (ArithmeticException from the trace's duration, DateTimeException printing a year past
 * the calendar's: exit 3, an internal error, in {@code tracewright diff}) and a token count of
 * 1e30 was cut to Long.MAX_VALUE without a word, the trace's total then wrapping negative.
 *
 * <p>The bounds are what the recorder can write: times are epoch nanoseconds in a long from a
 * clock past 1970, so any two of them are a long apart; counts are longs of 0 or more, and the
 * trace's total (which diff adds up) fits in a long too. One instance per trace read.
 */
final class SpanNumbers {
  static final Instant EARLIEST = Instant.EPOCH;
  static final Instant LATEST = Instant.ofEpochSecond(0, Long.MAX_VALUE);
  static final String NOT_A_COUNT = " is not a whole number between 0 and " + Long.MAX_VALUE;
  static final String NOT_A_DURATION = " is not a finite number of milliseconds, 0 or more";
  private static final BigDecimal MAX_COUNT = BigDecimal.valueOf(Long.MAX_VALUE);

  private long tokens; // the trace's input and output tokens so far

  /** How a message names a span: {@code span 00000007 (search): }. */
  static String label(String spanId, String name) {
    return "span " + spanId + " (" + name + "): ";
  }

  /**
   * A token count written in JSON: null when absent or null, else a whole number that fits
   * (1e3 is one; 1.5, -1, 1e30 and "12" are not). {@code where} names the span, for the message.
   */
  static Long count(JsonNode v, String field, String where) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      try {
        BigDecimal d = v.decimalValue(); // exact for integers; a double's shortest decimal form
        if (d.signum() >= 0 && d.compareTo(MAX_COUNT) <= 0 && d.stripTrailingZeros().scale() <= 0) {
          return d.longValueExact();
        }
      } catch (NumberFormatException | ArithmeticException e) {
        // an infinite double: not a count either
      }
    }
    throw new IllegalArgumentException(where + field + " " + v + NOT_A_COUNT);
  }

  /** A duration written in JSON: 0 when absent (files from before it was written), else a finite number of 0 or more. */
  static double durationMs(JsonNode v, String where) {
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isNumber() || !(v.doubleValue() >= 0) || Double.isInfinite(v.doubleValue())) {
      throw new IllegalArgumentException(where + "duration_ms " + v + NOT_A_DURATION);
    }
    return v.doubleValue();
  }

  /**
   * Checks a span as read: its times in range and in order, its duration and counts, and the
   * trace's token total so far. {@code where} comes before the span's label in the message.
   */
  void check(String where, RecordedSpan s) {
    String at = where + label(s.spanId(), s.name());
    time(at, "start_time", s.startTime());
    time(at, "end_time", s.endTime());
    if (s.startTime() != null && s.endTime() != null && s.endTime().isBefore(s.startTime())) {
      throw new IllegalArgumentException(at + "end_time " + s.endTime() + " is before start_time " + s.startTime());
    }
    if (!(s.durationMs() >= 0) || Double.isInfinite(s.durationMs())) {
      throw new IllegalArgumentException(at + "duration_ms " + s.durationMs() + NOT_A_DURATION);
    }
    add(at, "input_tokens", s.inputTokens());
    add(at, "output_tokens", s.outputTokens());
    for (RecordedEvent e : s.events()) {
      time(at, "event " + e.seq() + " time", e.time());
    }
  }

  private static void time(String at, String field, Instant t) {
    if (t != null && (t.isBefore(EARLIEST) || t.isAfter(LATEST))) {
      throw new IllegalArgumentException(at + field + " " + t + " is outside " + EARLIEST + ".." + LATEST
          + " (epoch nanoseconds in a long, as recorded)");
    }
  }

  private void add(String at, String field, Long count) {
    if (count == null) {
      return;
    }
    if (count < 0) {
      throw new IllegalArgumentException(at + field + " " + count + NOT_A_COUNT);
    }
    if (tokens > Long.MAX_VALUE - count) {
      throw new IllegalArgumentException(at + field + " " + count + " takes the trace's tokens past " + Long.MAX_VALUE);
    }
    tokens += count;
  }
}
