package dev.tracewright.runtime;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A span for code that cannot be annotated, from {@link Tracewright#span}. The span is a child of
 * the current span, or of {@link #childOf(TraceContext) a captured span} or {@link #parent(String) a
 * remote parent}, or a new trace.
 */
public final class SpanBuilder {
  final String name;
  final SpanKind kind;
  String codeNamespace;
  String codeFunction;
  String model;
  String provider;
  String parent;
  TraceContext context;
  CapturePolicy capture = CapturePolicy.DEFAULT;
  final Map<String, Object> attributes = new LinkedHashMap<>();
  final List<String> inputLabels = new ArrayList<>();
  final List<Object> inputValues = new ArrayList<>();

  SpanBuilder(String name, SpanKind kind) {
    this.name = Objects.requireNonNull(name, "name");
    this.kind = Objects.requireNonNull(kind, "kind");
    // code.* of a hand-made span is its caller's class and method; only worth the walk when recording.
    StackWalker.StackFrame caller = Tracewright.recorder == null ? null : caller();
    this.codeNamespace = caller == null ? null : caller.getClassName();
    this.codeFunction = caller == null ? null : caller.getMethodName();
  }

  private static StackWalker.StackFrame caller() {
    return StackWalker.getInstance()
        .walk(frames -> frames.filter(f -> !f.getClassName().startsWith("dev.tracewright.runtime.")).findFirst().orElse(null));
  }

  /**
   * The code this span stands for ({@code code.namespace}, {@code code.function}); by default the
   * class and method that started it. A framework hook that starts spans for the framework's calls
   * passes nulls: its own method is no code of the user's.
   */
  public SpanBuilder code(String namespace, String function) {
    this.codeNamespace = namespace;
    this.codeFunction = function;
    return this;
  }

  public SpanBuilder model(String model) {
    this.model = model;
    return this;
  }

  public SpanBuilder provider(String provider) {
    this.provider = provider;
    return this;
  }

  public SpanBuilder attribute(String key, Object value) {
    if (key != null && value != null) {
      attributes.put(key, value);
    }
    return this;
  }

  /** An input, captured under the span's policy as one field of the input object. */
  public SpanBuilder input(String label, Object value) {
    inputLabels.add(Objects.requireNonNull(label, "label"));
    inputValues.add(value);
    return this;
  }

  public SpanBuilder capture(CapturePolicy policy) {
    this.capture = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Continues the trace of a W3C {@code traceparent} header from another process. A malformed or
   * null header is ignored: the span parents to the current span, or starts a new trace.
   */
  public SpanBuilder parent(String traceparent) {
    this.parent = traceparent;
    this.context = null;
    return this;
  }

  /**
   * Starts the span as a child of the span {@code context} captured (on whichever thread), instead of
   * this thread's current span: for a callback that a framework runs on its own thread. An empty or
   * null context is ignored: the span parents to the current span, or starts a new trace. Of this and
   * {@link #parent(String) a remote parent}, the one given last counts.
   */
  public SpanBuilder childOf(TraceContext context) {
    this.context = context;
    this.parent = null;
    return this;
  }

  /** Starts the span and makes it current on this thread; close it (try-with-resources). */
  public ActiveSpan start() {
    Recorder recorder = Tracewright.recorder;
    return recorder == null ? NoopSpan.INSTANCE : recorder.start(this, true);
  }

  /**
   * Starts the span as a child of the current span without making it current: for a span that a
   * callback ends, possibly on another thread (a streaming model call). Nothing started on this
   * thread meanwhile becomes its child. End it with {@link ActiveSpan#close()} from any thread.
   */
  public ActiveSpan startDetached() {
    Recorder recorder = Tracewright.recorder;
    return recorder == null ? NoopSpan.INSTANCE : recorder.start(this, false);
  }

  /** Runs {@code work} inside the span; its exception is recorded and rethrown unchanged. */
  public void run(Runnable work) {
    ActiveSpan span = start();
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.close();
    }
  }

  /** Calls {@code work} inside the span, capturing its result; exceptions propagate unchanged. */
  public <T> T call(Callable<T> work) throws Exception {
    ActiveSpan span = start();
    try {
      T result = work.call();
      span.output(result);
      return result;
    } catch (Exception | Error e) {
      span.error(e);
      throw e;
    } finally {
      span.close();
    }
  }
}
