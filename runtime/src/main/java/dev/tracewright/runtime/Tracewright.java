package dev.tracewright.runtime;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.store.H2Store;
import dev.tracewright.runtime.store.TraceLabels;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * The runtime's public face. Call {@link #init} (or {@code initLocal}) once at start-up; until then
 * every traced call is a no-op costing one volatile read.
 *
 * <pre>{@code
 * Tracewright.init(TraceConfig.builder().store(new InMemoryStore()).build());
 * ResearchAgent agent = new ResearchAgentTraced();   // the generated subclass records every call
 * agent.research("why is the sky blue?");
 * Tracewright.flush();                               // everything so far is now stored
 * }</pre>
 */
public final class Tracewright {
  static volatile Recorder recorder;
  private static Thread shutdownHook;

  private Tracewright() {}

  /**
   * Starts recording with this configuration. Calling it again replaces the running configuration
   * after flushing and closing the previous store.
   */
  public static synchronized void init(TraceConfig config) {
    Objects.requireNonNull(config, "config");
    Recorder previous = recorder;
    recorder = null;
    if (previous != null) {
      previous.shutdown(previous.config.shutdownTimeout());
    }
    recorder = new Recorder(config);
    if (shutdownHook == null) {
      shutdownHook = new Thread(Tracewright::shutdownOnExit, "tracewright-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /**
   * Records to the local H2 file database: {@code ./.tracewright/traces}, or the path in the system
   * property {@code tracewright.db} or environment variable {@code TRACEWRIGHT_DB}; policy
   * {@code FULL_LOCAL}, default redaction on.
   */
  public static void initLocal() {
    init(TraceConfig.builder().store(H2Store.local()).build());
  }

  private static void shutdownOnExit() {
    Recorder current = recorder;
    if (current != null) {
      current.shutdown(current.config.shutdownTimeout());
    }
  }

  public static boolean isEnabled() {
    return recorder != null;
  }

  /** Blocks until everything recorded before this call is durable in the store. */
  public static boolean flush() {
    return flush(Duration.ofSeconds(30));
  }

  /** As {@link #flush()}; returns false if that took longer than {@code timeout}. */
  public static boolean flush(Duration timeout) {
    Recorder current = recorder;
    return current == null || current.flush(timeout);
  }

  /** Flushes, stops recording and closes the store; later traced calls are no-ops again. */
  public static boolean shutdown() {
    Recorder current = recorder;
    return shutdown(current == null ? Duration.ZERO : current.config.shutdownTimeout());
  }

  /** As {@link #shutdown()}, returning false (not hanging) if the store does not finish in time. */
  public static synchronized boolean shutdown(Duration timeout) {
    Recorder current = recorder;
    recorder = null;
    return current == null || current.shutdown(timeout);
  }

  /** The span of the traced call running on this thread, or a no-op span. */
  public static CurrentSpan current() {
    if (recorder == null) {
      return NoopSpan.INSTANCE;
    }
    LiveSpan top = SpanStack.get().top();
    return top == null ? NoopSpan.INSTANCE : top;
  }

  /**
   * Where this thread stands in a trace now (its current span), to continue the trace later on any
   * thread: see {@link TraceContext}. Empty before {@code init} and outside any span.
   */
  public static TraceContext context() {
    if (recorder == null) {
      return TraceContext.EMPTY;
    }
    LiveSpan top = SpanStack.get().top();
    return top == null ? TraceContext.EMPTY : new TraceContext(top);
  }

  public static TraceStats stats() {
    Recorder current = recorder;
    return current == null ? TraceStats.EMPTY : current.stats();
  }

  /** A span for code that cannot be annotated. */
  public static SpanBuilder span(String name, SpanKind kind) {
    return new SpanBuilder(name, kind);
  }

  /**
   * Attributes that the next span started on this thread will carry, whether a traced method or
   * {@link #span} starts it. For framework hooks that run just before user code they cannot wrap:
   * LangChain4j's {@code beforeToolExecution} gives the model's tool call ID to the {@code @Tool}
   * span that follows. Replaces attributes not yet taken; null or an empty map clears them.
   *
   * @return whether attributes set earlier were still waiting (no span had started since)
   */
  public static boolean nextSpanAttributes(Map<String, ?> attributes) {
    if (recorder == null) {
      return false;
    }
    SpanStack stack = SpanStack.get();
    boolean waiting = stack.nextSpanAttributes != null;
    stack.nextSpanAttributes = null;
    if (attributes != null && !attributes.isEmpty()) {
      Map<String, Object> copy = new LinkedHashMap<>();
      attributes.forEach((k, v) -> {
        if (k != null && v != null) {
          copy.put(k, v);
        }
      });
      stack.nextSpanAttributes = copy;
    }
    return waiting;
  }

  /** The W3C {@code traceparent} of the current span, to send to another process. */
  public static Optional<String> traceparent() {
    if (recorder == null) {
      return Optional.empty();
    }
    LiveSpan top = SpanStack.get().top();
    return top == null ? Optional.empty() : Optional.of(top.traceparent().format());
  }

  /**
   * Marks what follows as one conversation ({@code gen_ai.conversation.id}, on every model, tool,
   * agent and retrieval span): the trace running on this thread now, if any, and every trace
   * started on this thread until the scope is closed. A trace keeps the first conversation it was
   * given. Spans on other threads of a marked trace are marked too. Redacted like a name; cheap
   * when not recording.
   */
  public static ConversationScope conversation(String id) {
    Objects.requireNonNull(id, "id");
    SpanStack stack = SpanStack.get();
    LiveSpan top = recorder == null ? null : stack.top();
    if (top != null && top.root.conversation == null) {
      top.root.conversation = id;
    }
    String before = stack.conversation;
    stack.conversation = id;
    Thread thread = Thread.currentThread();
    return new ConversationScope() {
      private boolean closed;

      @Override
      public void close() {
        if (!closed && Thread.currentThread() == thread) {
          closed = true;
          stack.conversation = before;
        }
      }
    };
  }

  /**
   * Tags the trace running on this thread (stored as {@code tag.tags} on its root span and in
   * {@code trace_tags}; {@code tracewright list --tag}, the UI and the API filter by them). Each tag
   * is trimmed; null and blank ones are ignored, repeats kept once; a trace keeps at most 32 tags
   * (later ones are ignored) of at most 200 characters each (longer ones are cut). Redacted like a
   * name when written. Call it while the trace runs, from any of its threads; outside a trace, or
   * when not recording, it does nothing and costs one volatile read.
   */
  public static void tag(String... tags) {
    RootSpan root = currentRoot();
    if (root != null && tags != null) {
      root.addTags(tags);
    }
  }

  /**
   * Files the trace running on this thread under a session ({@code session.id} on its root span,
   * {@code traces.session_id}; {@code list --session} filters by it). Without one, a trace in a
   * {@link #conversation} has the conversation's ID as its session, which is what the LangChain4j
   * and Spring AI integrations set from the framework's memory or conversation ID. The last ID given
   * wins; trimmed, cut to 200 characters, redacted like a name (an email is stored as the
   * redactor's marker: prefer an opaque ID). Null or blank is ignored; outside a trace, or when not
   * recording, it does nothing.
   */
  public static void session(String id) {
    RootSpan root = currentRoot();
    String clean = TraceLabels.clean(id);
    if (root != null && clean != null) {
      root.session = clean;
    }
  }

  /**
   * Files the trace running on this thread under a user ({@code user.id} on its root span,
   * {@code traces.user_id}; {@code list --user} filters by it), as {@link #session} does.
   */
  public static void user(String id) {
    RootSpan root = currentRoot();
    String clean = TraceLabels.clean(id);
    if (root != null && clean != null) {
      root.user = clean;
    }
  }

  /** The root of the trace running on this thread, or null (also when not recording). */
  private static RootSpan currentRoot() {
    if (recorder == null) {
      return null;
    }
    LiveSpan top = SpanStack.get().top();
    return top == null ? null : top.root;
  }

  /** What {@link #conversation} opened: close it on the thread that opened it. */
  public interface ConversationScope extends AutoCloseable {
    /** Traces started on this thread afterwards are no longer marked; later calls do nothing. */
    @Override
    void close();
  }

  /** {@code task} running in the current trace context, on whatever thread runs it. */
  public static Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task");
    LiveSpan parent = recorder == null ? null : SpanStack.get().top();
    if (parent == null) {
      return task;
    }
    return () -> {
      SpanStack stack = SpanStack.get();
      stack.push(parent);
      try {
        task.run();
      } finally {
        stack.pop(parent);
      }
    };
  }

  public static <T> Callable<T> wrap(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    LiveSpan parent = recorder == null ? null : SpanStack.get().top();
    if (parent == null) {
      return task;
    }
    return () -> {
      SpanStack stack = SpanStack.get();
      stack.push(parent);
      try {
        return task.call();
      } finally {
        stack.pop(parent);
      }
    };
  }

  /** An executor whose tasks run in the context of the thread that submitted each one. */
  public static Executor wrap(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    if (executor instanceof ExecutorService service) {
      return wrap(service);
    }
    return command -> executor.execute(wrap(command));
  }

  /** As {@link #wrap(Executor)}, keeping the {@link ExecutorService} interface. */
  public static ExecutorService wrap(ExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return executor instanceof ContextExecutorService ? executor : new ContextExecutorService(executor);
  }
}
