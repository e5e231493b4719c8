package dev.tracewright.runtime;

import dev.tracewright.runtime.capture.ContentProcessor;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.TraceStore;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Not API: what {@code dev.tracewright.runtime.replay} needs from the runtime's internals. A replay
 * is attached to the thread that opens it; the next trace started there is replayed, and its spans
 * carry the replay to any thread the context goes to.
 */
public final class ReplayScope {
  private ReplayScope() {}

  /** Whether Tracewright is initialised (a replayed run is recorded like any other). */
  public static boolean recording() {
    return Tracewright.recorder != null;
  }

  /** What {@link #attach} replaced on a thread: a replay and the runtime it was opened in. */
  public static final class Attached {
    private final ReplayHook hook;
    private final Recorder recorder;

    private Attached(ReplayHook hook, Recorder recorder) {
      this.hook = hook;
      this.recorder = recorder;
    }
  }

  /** Attaches {@code hook} to this thread; returns what it replaces (usually no replay). */
  public static Attached attach(ReplayHook hook) {
    SpanStack stack = SpanStack.get();
    Attached previous = new Attached(stack.replay, stack.replayRecorder);
    stack.replay = hook;
    stack.replayRecorder = Tracewright.recorder;
    return previous;
  }

  /** Puts back what {@link #attach} replaced, if {@code hook} is still attached to this thread. */
  public static void detach(ReplayHook hook, Attached previous) {
    SpanStack stack = SpanStack.get();
    if (stack.replay == hook) {
      stack.replay = previous.hook;
      stack.replayRecorder = previous.recorder;
    }
  }

  /**
   * A read connection to the configured H2 store, after a flush (so the trace asked for is there).
   *
   * @throws IllegalStateException when not initialised or the store is not H2
   */
  public static Connection storeConnection() throws SQLException {
    Recorder recorder = Tracewright.recorder;
    if (recorder == null) {
      throw new IllegalStateException("Tracewright is not initialised: call Tracewright.init(...) or initLocal() first");
    }
    TraceStore store = recorder.config.store();
    if (!(store instanceof H2Store h2)) {
      throw new IllegalStateException("Replay.ofTrace reads an H2 store; the configured store is " + store + " (use Replay.of or Replay.fromFile)");
    }
    recorder.flush(recorder.config.shutdownTimeout());
    return h2.openReadConnection();
  }

  /** Redacts captured text the way the writer does, with the configured redactor. */
  static String redacted(Recorder recorder, dev.tracewright.runtime.capture.Captured captured) {
    ContentProcessor processor = new ContentProcessor(recorder.config.redactor(), Integer.MAX_VALUE);
    ContentProcessor.Processed p = processor.process(captured, false);
    return p == null ? null : p.text();
  }
}
