package dev.tracewright.runtime.replay;

import java.util.List;

/**
 * Thrown by {@link Replay.Builder#open()}: the recording lacks content a replay would need (captured
 * {@code METADATA_ONLY} or as a preview, cut at the capture limit, exported without
 * {@code --content}). The message names every such span.
 */
public class UnreplayableTraceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> spanIds;

  UnreplayableTraceException(String message, List<String> spanIds) {
    super(message);
    this.spanIds = List.copyOf(spanIds);
  }

  /** The IDs of the spans that cannot be replayed. */
  public List<String> spanIds() {
    return spanIds;
  }
}
