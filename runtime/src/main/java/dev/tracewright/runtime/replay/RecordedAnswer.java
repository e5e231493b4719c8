package dev.tracewright.runtime.replay;

import dev.tracewright.runtime.ReplayHook;

/** One call's answer: a value, an error, or a mismatch to throw. */
record RecordedAnswer(RuntimeException mismatch, Throwable error, Object value, String model, long inputTokens, long outputTokens)
    implements ReplayHook.Answer {

  static RecordedAnswer mismatch(RuntimeException e) {
    return new RecordedAnswer(e, null, null, null, -1, -1);
  }

  static RecordedAnswer value(Object value, RecordedSpan from) {
    return new RecordedAnswer(null, null, value, model(from), tokens(from == null ? null : from.inputTokens()), tokens(from == null ? null : from.outputTokens()));
  }

  static RecordedAnswer error(Throwable error, RecordedSpan from) {
    return new RecordedAnswer(null, error, null, model(from), tokens(from.inputTokens()), tokens(from.outputTokens()));
  }

  private static String model(RecordedSpan from) {
    return from == null ? null : from.model();
  }

  private static long tokens(Long n) {
    return n == null ? -1 : n;
  }
}
