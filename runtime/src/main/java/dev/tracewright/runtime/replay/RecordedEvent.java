package dev.tracewright.runtime.replay;

import java.time.Instant;
import java.util.Map;

/** A recorded span event; attribute values as text (numbers and booleans in their JSON form). */
public record RecordedEvent(int seq, Instant time, String name, Map<String, String> attributes) {
  public RecordedEvent {
    attributes = Map.copyOf(attributes);
  }
}
