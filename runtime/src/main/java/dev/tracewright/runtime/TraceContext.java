package dev.tracewright.runtime;

/**
 * Where a thread stood in a trace at one moment: the span that spans started there would be
 * children of. Capture it with {@link Tracewright#context()} where that span is current, then
 * continue the trace from any thread, later: {@link #enter()} makes the span current on the calling
 * thread until the scope closes (traced methods called meanwhile become its children), and
 * {@link SpanBuilder#childOf(TraceContext)} starts one span under it without touching the thread.
 *
 * <p>For frameworks that run one piece of work on threads of their choosing and only say, in each
 * callback, which piece it is (an invocation ID): capture the context when the work starts, on the
 * caller's thread, keep it under that ID, and look it up in each callback. {@link Tracewright#wrap}
 * does the same for tasks you submit yourself.
 *
 * <pre>{@code
 * TraceContext agent = Tracewright.context();          // on the agent's thread
 * ...
 * try (TraceContext.Scope scope = agent.enter()) {     // on any thread, any time later
 *   tools.getWeather("Paris");                         // a child of the agent's span
 * }
 * }</pre>
 *
 * <p>A context keeps its span reachable, not open: a span started under it after that span ended
 * still joins its trace (as a late span). A context captured before {@code init}, outside any span,
 * or whose runtime has since been shut down or replaced by another {@code init}, is empty: entering
 * it does nothing, and a span given it as parent falls back to the current span. Immutable and safe
 * to share between threads; no method throws.
 */
public final class TraceContext {
  static final TraceContext EMPTY = new TraceContext(null);
  private static final Scope NO_SCOPE = () -> {};

  private final LiveSpan span;

  TraceContext(LiveSpan span) {
    this.span = span;
  }

  /** The span to parent to, if it belongs to the running runtime; else null. */
  LiveSpan live(Recorder recorder) {
    return span != null && recorder != null && span.recorder() == recorder ? span : null;
  }

  /** True when a span started under this context would not join a trace of the running runtime. */
  public boolean isEmpty() {
    return live(Tracewright.recorder) == null;
  }

  /** The trace's ID, 32 lower-case hex digits; null if empty. */
  public String traceId() {
    LiveSpan s = live(Tracewright.recorder);
    return s == null ? null : s.traceId();
  }

  /** The captured span's ID, 16 lower-case hex digits; null if empty. */
  public String spanId() {
    LiveSpan s = live(Tracewright.recorder);
    return s == null ? null : s.spanId();
  }

  /**
   * Makes the captured span the current span of the calling thread until the returned scope is
   * closed, on this same thread (try-with-resources). Spans started on this thread meanwhile are its
   * children, whatever was current before; closing restores what was current before, and also ends
   * the thread's part in any span started meanwhile and left open. Scopes nest. An empty context
   * gives a scope that does nothing.
   */
  public Scope enter() {
    LiveSpan s = live(Tracewright.recorder);
    if (s == null) {
      return NO_SCOPE;
    }
    SpanStack stack = SpanStack.get();
    stack.push(s);
    return new Entered(stack, s);
  }

  @Override
  public String toString() {
    return span == null ? "TraceContext[empty]" : "TraceContext[" + span + "]";
  }

  /** What {@link #enter()} began; close it on the thread that entered. */
  public interface Scope extends AutoCloseable {
    /** Restores the thread's context; later calls, and calls from other threads, do nothing. */
    @Override
    void close();
  }

  private static final class Entered implements Scope {
    private final SpanStack stack; // the entering thread's: a stack is only ever touched by its thread
    private final Thread thread = Thread.currentThread();
    private LiveSpan span;

    Entered(SpanStack stack, LiveSpan span) {
      this.stack = stack;
      this.span = span;
    }

    @Override
    public void close() {
      if (span != null && Thread.currentThread() == thread) {
        stack.pop(span);
        span = null;
      }
    }
  }
}
