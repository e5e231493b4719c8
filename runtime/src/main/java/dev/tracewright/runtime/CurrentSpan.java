package dev.tracewright.runtime;

import java.util.Map;

/**
 * The span of the traced call running on this thread, from {@link Tracewright#current()}. Outside a
 * span (or before {@code init}) every method is a no-op, so agent code can call these freely.
 * Methods never throw; invalid values are ignored.
 */
public interface CurrentSpan {

  /** Adds an attribute; values should be strings, numbers or booleans (others are stored as text). */
  CurrentSpan attribute(String key, Object value);

  /** Token usage of an LLM call; cost is computed from the pricing table unless set. */
  CurrentSpan tokens(long inputTokens, long outputTokens);

  /** The model actually used (overrides the annotation's). */
  CurrentSpan model(String model);

  CurrentSpan provider(String provider);

  /** Cost in US dollars; wins over the pricing table. */
  CurrentSpan cost(double usd);

  /** A point-in-time event, ordered by a per-span sequence number. */
  CurrentSpan event(String name, Map<String, ?> attributes);

  default CurrentSpan event(String name) {
    return event(name, Map.of());
  }

  /** False for the no-op span. */
  boolean isRecording();

  /** 32 lower-case hex digits, or null when not recording. */
  String traceId();

  /** 16 lower-case hex digits, or null when not recording. */
  String spanId();
}
