package dev.tracewright.runtime;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.capture.Captured;
import dev.tracewright.runtime.capture.ContentCapture;
import dev.tracewright.runtime.capture.ContentProcessor;
import dev.tracewright.runtime.capture.LogSafe;
import dev.tracewright.runtime.context.Ids;
import dev.tracewright.runtime.context.Traceparent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A span being recorded. Created and ended by the calling thread (or, for futures, by whichever
 * thread completes them); once ended it is immutable and handed to the writer thread, which turns
 * it into a stored record. Mutations are guarded by the root span's lock (so ending a span and
 * counting it in its trace is one critical section) and refused after the end, so the writer reads a
 * stable snapshot.
 */
sealed class LiveSpan extends TracedCall implements ActiveSpan permits RootSpan {
  private static final int MAX_ERROR_MESSAGE = 4096;

  final RootSpan root; // this span itself, for a root; its monitor guards the trace's spans
  final TracedCall.Site site; // name, kind, code location, parameter names: shared by every call
  final long spanId;
  final long parentSpanId; // 0 = none
  final String threadName;
  final CapturePolicy policy;
  final long startNanoTime;
  private final Thread owner;
  private final SpanStack stack;

  // Guarded by the root's lock until ended; read by the writer thread only after the handoff.
  boolean ended;
  private boolean onStack;
  /** This span closes its trace, or updates it by ending late: the writer (re)writes the row. */
  boolean writesTrace;
  long endNanoTime;
  String errorType;
  String errorMessage;
  String model;
  String provider;
  /** Tokens and cost, allocated only for spans that report them (most spans do not). */
  private Usage usage;
  Map<String, Object> attributes; // the user's; the site's are merged on the writer thread
  List<Event> events;
  Captured input;
  Captured output;
  /** This span's part in an open replay; null outside one (so the check is one field read). */
  private Replayed replay;

  /** Where a span of a replayed trace stands: its path, its claimed recording, the answer. */
  private static final class Replayed {
    final Object path; // the hook's key for this span's path (names from the root)
    Object ticket; // null: runs for real
    ReplayHook.Answer answer;

    Replayed(Object path) {
      this.path = path;
    }
  }

  record Event(long epochNanos, String name, Map<String, Object> attributes) {}

  private static final class Usage {
    long inputTokens = -1;
    long outputTokens = -1;
    double costUsd = Double.NaN;
  }

  private Usage usage() {
    if (usage == null) {
      usage = new Usage();
    }
    return usage;
  }

  // Read after the span ended (writer thread, trace totals, pricing): no lock needed then.
  long inputTokens() {
    return usage == null ? -1 : usage.inputTokens;
  }

  long outputTokens() {
    return usage == null ? -1 : usage.outputTokens;
  }

  double costUsd() {
    return usage == null ? Double.NaN : usage.costUsd;
  }

  /** Pricing, on the ending thread before the handoff. */
  void computedCost(double usd) {
    usage().costUsd = usd;
  }

  /**
   * @param root the trace's root span, or null if this span is that root
   * @param parentSpanId the parent's span ID (local or remote), or 0
   */
  LiveSpan(RootSpan root, TracedCall.Site site, CapturePolicy policy, long spanId, long parentSpanId, long startNanoTime, SpanStack stack) {
    this.root = root == null ? (RootSpan) this : root;
    this.site = site;
    this.policy = policy;
    this.model = site.model;
    this.provider = site.provider;
    this.startNanoTime = startNanoTime;
    this.spanId = spanId;
    this.parentSpanId = parentSpanId;
    this.owner = Thread.currentThread();
    this.threadName = owner.getName();
    this.stack = stack;
  }

  /**
   * Starts a span on the calling thread and makes it the thread's current span.
   *
   * @param parent the local parent, whose trace this span joins; or null
   * @param remote without a local parent: a remote parent to continue, or null to start a trace
   * @param makeCurrent push it on the thread's stack; false for a span ended by a callback
   */
  static LiveSpan start(
      Recorder recorder, TracedCall.Site site, CapturePolicy policy, LiveSpan parent, Traceparent remote, SpanStack stack, boolean makeCurrent) {
    long start = System.nanoTime();
    long id = stack.ids.next(Clock.epochNanos(start) / 1_000_000);
    LiveSpan span;
    if (parent != null) {
      span = new LiveSpan(parent.root, site, policy, id, parent.spanId, start, stack);
    } else if (remote != null) {
      span = new RootSpan(recorder, remote.traceIdHigh(), remote.traceIdLow(), site, policy, id, remote.spanId(), start, stack);
    } else {
      // A new trace: its ID's high half is this root's (time-ordered) span ID, its low half random.
      span = new RootSpan(recorder, id, Ids.randomNonZero(), site, policy, id, 0, start, stack);
    }
    if (stack.conversation != null && span.root.conversation == null) {
      span.root.conversation = stack.conversation;
    }
    if (stack.nextSpanAttributes != null) {
      span.attributes = stack.nextSpanAttributes; // handed over by a framework hook; this span owns it now
      stack.nextSpanAttributes = null;
    }
    if (parent == null && stack.replay != null) {
      if (stack.replayRecorder == recorder) {
        span.root.replay = stack.replay; // a trace started inside an open replay is that replay's
        span.attribute(REPLAY_OF, stack.replay.sourceTraceId());
      } else {
        stack.replay = null; // left open when its runtime shut down: later runs are real
        stack.replayRecorder = null;
      }
    }
    if (span.root.replay != null) {
      span.joinReplay(parent);
    }
    if (makeCurrent) {
      stack.push(span);
      span.onStack = true;
    }
    return span;
  }

  /** The root attribute naming the trace a replayed run replays. */
  static final String REPLAY_OF = "tracewright.replay_of";

  /** On a span answered from a recording instead of running its method. */
  static final String REPLAYED = "tracewright.replayed";

  /** Whether this span's answer came from a recording: it ran nothing and spent nothing. */
  boolean answeredFromRecording() {
    Replayed r = replay;
    return r != null && r.answer != null && r.answer.mismatch() == null;
  }

  private void joinReplay(LiveSpan parent) {
    try {
      Object parentPath = parent == null || parent.replay == null ? null : parent.replay.path;
      Replayed r = new Replayed(root.replay.path(parentPath, site.name));
      r.ticket = root.replay.claim(site, parentPath);
      replay = r;
    } catch (Throwable t) {
      recorder().internalError("replay", t);
    }
  }

  Recorder recorder() {
    return root.recorder;
  }

  long startEpochNanos() {
    return Clock.epochNanos(startNanoTime);
  }

  @Override
  public boolean capturesContent() {
    return policy != CapturePolicy.METADATA_ONLY;
  }

  boolean isError() {
    return errorType != null;
  }

  long durationNanos() {
    return endNanoTime - startNanoTime;
  }

  // ---- generated-code API ----

  @Override
  public boolean capturesInput() {
    return site.parameters.length > 0 && capturesContent();
  }

  @Override
  public void input(Object... arguments) {
    if (!capturesContent()) {
      return;
    }
    Captured captured = recorder().captureArguments(site.parameterKeys(), arguments, callingStack());
    if (captured != null) {
      synchronized (root) {
        if (!ended) {
          input = captured;
        }
      }
    }
  }

  /** Imperative API: named inputs collected by the span builder. */
  void input(String[] labels, Object[] values) {
    Captured captured = recorder().captureArguments(ContentCapture.keys(labels), values, callingStack());
    if (captured != null) {
      synchronized (root) {
        input = captured;
      }
    }
  }

  /** Usage reported by the result itself, unless the call set tokens explicitly. */
  private void absorbUsage(Object value) {
    if (value instanceof TokenUsage usage) {
      try {
        long in = usage.inputTokens();
        long out = usage.outputTokens();
        String responseModel = usage.responseModel();
        synchronized (root) {
          if (!ended && inputTokens() < 0) {
            tokens(in, out);
          }
        }
        if (responseModel != null) {
          model(responseModel);
        }
      } catch (Throwable t) {
        recorder().internalError("token usage", LogSafe.scrub(t)); // user code threw: log no user text
      }
    }
  }

  /** The result's usage absorbed, and its capture (null if not captured), not yet set on the span. */
  private Captured resultCapture(Object value) {
    absorbUsage(value);
    if (site.captureResult && capturesContent()) {
      return recorder().captureValue(value);
    }
    return null;
  }

  private void captureOutput(Object value) {
    Captured captured = resultCapture(value);
    if (captured != null) {
      synchronized (root) {
        if (!ended) {
          output = captured;
        }
      }
    }
  }

  @Override
  public <T> T returned(T value) {
    end(resultCapture(value));
    return value;
  }

  @Override
  public <T> T returned(T value, UsageReader<? super T> usage) {
    readUsage(value, usage);
    return returned(value);
  }

  /** Model and tokens the response reports, unless the call set tokens itself. */
  private <T> void readUsage(T value, UsageReader<? super T> usage) {
    if (value == null) {
      return;
    }
    boolean explicit;
    synchronized (root) {
      explicit = inputTokens() >= 0;
    }
    if (!explicit) {
      try {
        usage.read(value, this);
      } catch (NullPointerException | NoSuchElementException absent) {
        // the response reported no usage (or no model): nothing to record
      } catch (Throwable t) {
        recorder().internalError("usage", t);
      }
    }
  }

  @Override
  public int returned(int value) {
    end(capturesContent() ? resultCapture(value) : null);
    return value;
  }

  @Override
  public long returned(long value) {
    end(capturesContent() ? resultCapture(value) : null);
    return value;
  }

  @Override
  public double returned(double value) {
    end(capturesContent() ? resultCapture(value) : null);
    return value;
  }

  @Override
  public float returned(float value) {
    end(capturesContent() ? resultCapture(value) : null);
    return value;
  }

  @Override
  public boolean returned(boolean value) {
    end(capturesContent() ? resultCapture(value) : null);
    return value;
  }

  @Override
  public char returned(char value) {
    end(capturesContent() ? resultCapture(value) : null);
    return value;
  }

  @Override
  public byte returned(byte value) {
    end(capturesContent() ? resultCapture(value) : null);
    return value;
  }

  @Override
  public short returned(short value) {
    end(capturesContent() ? resultCapture(value) : null);
    return value;
  }

  @Override
  public void returned() {
    end();
  }

  @Override
  public <F extends CompletionStage<?>> F returnedFuture(F future) {
    return endWhenComplete(future, null);
  }

  @Override
  public <T, F extends CompletionStage<T>> F returnedFuture(F future, UsageReader<? super T> usage) {
    return endWhenComplete(future, usage);
  }

  /** @param usage reads the completed value's usage first, or null */
  @SuppressWarnings("unchecked")
  private <F extends CompletionStage<?>> F endWhenComplete(F future, UsageReader<?> usage) {
    leaveStack();
    if (future == null) {
      finish(null);
      return null;
    }
    try {
      future.whenComplete(
          (value, error) -> {
            if (error != null) {
              finish(unwrap(error));
            } else {
              if (usage != null) {
                readUsage(value, (UsageReader<Object>) usage);
              }
              finish(null, resultCapture(value));
            }
          });
    } catch (Throwable t) {
      recorder().internalError("future", LogSafe.scrub(t));
      finish(null);
    }
    return future;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  @Override
  public void threw(Throwable error) {
    leaveStack();
    finish(error);
  }

  @Override
  public boolean replaying() {
    Replayed r = replay;
    if (r == null || r.ticket == null) {
      return false;
    }
    Object ticket = r.ticket;
    r.ticket = null; // asked once
    try {
      Captured in;
      synchronized (root) {
        in = input;
      }
      r.answer = root.replay.answer(ticket, site, in == null ? null : ReplayScope.redacted(recorder(), in));
    } catch (Throwable t) {
      recorder().internalError("replay", t);
      r.answer = null;
    }
    return r.answer != null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T replayed() {
    ReplayHook.Answer a = replay == null ? null : replay.answer;
    if (a == null) {
      throw new IllegalStateException("replayed() is for a call whose replaying() was true");
    }
    if (a.mismatch() != null) {
      throw a.mismatch();
    }
    if (a.model() != null) {
      model(a.model());
    }
    tokens(a.inputTokens(), a.outputTokens()); // what the recorded call used, so a diff with it compares
    attribute(REPLAYED, true); // answered from the recording: nothing was spent, so no cost (see Recorder.price)
    if (site.isAsync()) {
      java.util.concurrent.CompletableFuture<Object> future = new java.util.concurrent.CompletableFuture<>();
      if (a.error() != null) {
        future.completeExceptionally(a.error());
      } else {
        future.complete(a.value());
      }
      return (T) returnedFuture(future);
    }
    if (a.error() != null) {
      throw LiveSpan.<RuntimeException>sneaky(a.error()); // the generated catch ends the span with it
    }
    if (site.isVoid()) {
      end();
      return null;
    }
    return (T) returned(a.value());
  }

  /** Throws a recorded checked exception the method declares, past the compiler. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  // ---- ActiveSpan ----

  @Override
  public ActiveSpan output(Object value) {
    captureOutput(value);
    return this;
  }

  @Override
  public ActiveSpan captureInput(Object value) {
    if (capturesContent()) {
      Captured captured = recorder().captureValue(value);
      if (captured != null) {
        synchronized (root) {
          if (!ended) {
            input = captured;
          }
        }
      }
    }
    return this;
  }

  @Override
  public ActiveSpan error(Throwable error) {
    if (error != null) {
      String[] described = describe(error);
      synchronized (root) {
        if (!ended) {
          errorType = described[0];
          errorMessage = described[1];
        }
      }
    }
    return this;
  }

  @Override
  public void close() {
    end();
  }

  @Override
  public void discard() {
    leaveStack();
    synchronized (root) {
      ended = true; // never handed to the writer nor counted in its trace
    }
  }

  // ---- CurrentSpan ----

  @Override
  public CurrentSpan attribute(String key, Object value) {
    if (key != null && value != null) {
      synchronized (root) {
        if (!ended) {
          if (attributes == null) {
            attributes = new LinkedHashMap<>();
          }
          attributes.put(key, value);
        }
      }
    }
    return this;
  }

  @Override
  public CurrentSpan tokens(long inputTokens, long outputTokens) {
    if (inputTokens >= 0 && outputTokens >= 0) {
      synchronized (root) {
        if (!ended) {
          Usage u = usage();
          u.inputTokens = inputTokens;
          u.outputTokens = outputTokens;
        }
      }
    }
    return this;
  }

  @Override
  public CurrentSpan model(String model) {
    if (model != null && !model.isBlank()) {
      synchronized (root) {
        if (!ended) {
          this.model = model;
        }
      }
    }
    return this;
  }

  @Override
  public CurrentSpan provider(String provider) {
    if (provider != null && !provider.isBlank()) {
      synchronized (root) {
        if (!ended) {
          this.provider = provider;
        }
      }
    }
    return this;
  }

  @Override
  public CurrentSpan cost(double usd) {
    if (usd >= 0 && Double.isFinite(usd)) {
      synchronized (root) {
        if (!ended) {
          usage().costUsd = usd;
        }
      }
    }
    return this;
  }

  @Override
  public CurrentSpan event(String name, Map<String, ?> attributes) {
    if (name != null) {
      Map<String, Object> copy = attributes == null || attributes.isEmpty() ? Map.of() : new LinkedHashMap<>(attributes);
      Event event = new Event(Clock.epochNanos(System.nanoTime()), name, copy);
      synchronized (root) {
        if (!ended) {
          if (events == null) {
            events = new ArrayList<>(4);
          }
          events.add(event);
        }
      }
    }
    return this;
  }

  @Override
  public boolean isRecording() {
    return true;
  }

  @Override
  public String traceId() {
    return Ids.hex(root.traceIdHigh, root.traceIdLow);
  }

  @Override
  public String spanId() {
    return Ids.hex(spanId);
  }

  Traceparent traceparent() {
    return new Traceparent(root.traceIdHigh, root.traceIdLow, spanId, true);
  }

  // ---- lifecycle ----

  /** A normal end on the calling thread. */
  private void end() {
    end(null);
  }

  private void end(Captured output) {
    leaveStack();
    finish(null, output);
  }

  /** The stack of the thread calling now: this span's, or (for a span carried elsewhere) that thread's. */
  private SpanStack callingStack() {
    return Thread.currentThread() == owner ? stack : SpanStack.get();
  }

  /** Leaves the ambient stack; only the thread that started the span owns that stack. */
  private void leaveStack() {
    if (onStack && Thread.currentThread() == owner) {
      onStack = false;
      stack.pop(this);
    }
  }

  private void finish(Throwable error) {
    finish(error, null);
  }

  private void finish(Throwable error, Captured output) {
    long now = System.nanoTime();
    root.recorder.ended(this, now, error == null ? null : describe(error), output);
  }

  /** The error's type and (capped) message, read outside any lock: getMessage is user code. */
  static String[] describe(Throwable error) {
    String message;
    try {
      message = error.getMessage();
    } catch (Throwable t) { // a user exception's getMessage can throw too
      message = "[getMessage() threw " + t.getClass().getName() + "]";
    }
    if (message != null && message.length() > MAX_ERROR_MESSAGE) {
      // The word the cut went through goes too: it may be a key's start, too short to be recognised.
      message = ContentProcessor.withoutCutWord(message.substring(0, MAX_ERROR_MESSAGE)) + "...";
    }
    return new String[] {error.getClass().getName(), message};
  }

  @Override
  public String toString() {
    return site.kind + " " + site.name + " " + Ids.hex(spanId);
  }
}
