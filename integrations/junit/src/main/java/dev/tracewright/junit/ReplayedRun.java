package dev.tracewright.junit;

import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.replay.RecordedTrace;
import dev.tracewright.runtime.replay.Replay;
import dev.tracewright.runtime.replay.TraceDiff;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;

/**
 * What a {@link ReplayTrace} test ran, for its assertions: a test method takes it as a parameter.
 * Each method first waits until Tracewright has written every span that ended, so the run it
 * returns is complete (spans are written by a background thread).
 */
public final class ReplayedRun {
  private final InMemoryStore store;
  private final RecordedTrace recording;

  ReplayedRun(InMemoryStore store, RecordedTrace recording) {
    this.store = store;
    this.recording = recording;
  }

  /** The recorded trace the test replays. */
  public RecordedTrace recording() {
    return recording;
  }

  /** The run the test made: the trace whose root says it replays {@link #recording()}. */
  public RecordedTrace trace() {
    Tracewright.flush();
    String replayed = null;
    for (SpanRecord s : store.spans()) {
      if (s.parentSpanId() == null && recording.traceId().equals(s.attributes().get(Replay.REPLAY_OF))) {
        if (replayed != null && !replayed.equals(s.traceId())) {
          throw new IllegalStateException("the test ran more than one traced run against trace " + recording.traceId() + ": " + replayed + " and " + s.traceId());
        }
        replayed = s.traceId();
      }
    }
    if (replayed == null) {
      throw new IllegalStateException("the test has not run a traced agent yet (no trace replays " + recording.traceId() + ")");
    }
    return RecordedTrace.fromStore(store, replayed);
  }

  /** The run compared with the recording, aligned span by span ({@code diff().equal()}: same structure, statuses and outputs). */
  public TraceDiff diff() {
    return TraceDiff.between(recording, trace());
  }

  /** Everything the test recorded, flushed: for assertions on spans that are not part of the replayed run. */
  public InMemoryStore store() {
    Tracewright.flush();
    return store;
  }

  InMemoryStore storeAsIs() {
    return store;
  }
}
