package dev.tracewright.springai;

import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceContext;
import dev.tracewright.runtime.Tracewright;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;

/**
 * Turns Spring AI's chat-model observations into {@code LLM} spans and its tool-calling observations
 * into {@code TOOL} spans, children of the current Tracewright span. Register it with the
 * {@code ObservationRegistry} that Spring AI uses (the auto-configuration does). Tracing never
 * throws into Spring AI: a failure here is logged once and the model call goes on.
 *
 * <p>A streamed conversation ({@code ChatClient...stream()}) runs its tool calls, and the model turns
 * after them, on Reactor threads where the caller's span is not current. Spring AI links its
 * observations there through the Reactor context: each one's parent observation is the one it runs
 * in (the tool call's is the tool-calling advisor's, whose parent is the {@code ChatClient}'s). So
 * every Spring AI observation that starts while a Tracewright span is current remembers that span,
 * and a model turn or tool call that starts with no current span takes the span its nearest
 * ancestor remembered, making it current while the tool runs.
 */
public final class TracewrightObservationHandler implements ObservationHandler<Observation.Context> {
  private static final System.Logger LOG = System.getLogger(TracewrightObservationHandler.class.getName());
  private static final AtomicBoolean LOGGED = new AtomicBoolean();
  private static final AtomicBoolean LOGGED_UNPARENTED = new AtomicBoolean();
  private static final TraceContext.Scope NOTHING_ENTERED = () -> {};
  /** Ancestors looked at before giving up, should a chain of parent observations ever loop. */
  private static final int MAX_ANCESTORS = 64;

  private final Predicate<String> tracedTools;

  /** Records every chat-model call and every tool call. */
  public TracewrightObservationHandler() {
    this(tool -> false);
  }

  /**
   * As {@link #TracewrightObservationHandler()}, except for tools whose method is itself traced (a
   * {@code *Traced} override records the {@code TOOL} span): those get the tool call ID and no
   * second span around them.
   */
  public TracewrightObservationHandler(Predicate<String> tracedTools) {
    this.tracedTools = Objects.requireNonNull(tracedTools, "tracedTools");
  }

  /** Marks a tool observation whose span the traced method records. */
  private enum HandedOver { INSTANCE }

  /**
   * What a Spring AI observation's descendants need, on whatever thread they start: the Tracewright
   * span their spans belong under (null if none was current), and the thread it started on.
   */
  private record Origin(TraceContext span, Thread thread) {}

  @Override
  public boolean supportsContext(Observation.Context context) {
    // The others (ChatClient, advisors, embeddings, ...) only to remember the current span for their descendants.
    return context instanceof ChatModelObservationContext
        || context instanceof ToolCallingObservationContext
        || context.getClass().getName().startsWith("org.springframework.ai.");
  }

  @Override
  public void onStart(Observation.Context context) {
    try {
      if (context instanceof ChatModelObservationContext chat) {
        // Detached (it may end on another thread): it needs its parent current only to start.
        try (TraceContext.Scope parent = enterParent(context)) {
          context.put(ActiveSpan.class, ChatSpans.start(chat));
        }
      } else if (context instanceof ToolCallingObservationContext tool) {
        // The tool runs inside its parent; onStop closes the scope (put first: it does whatever fails here).
        context.put(TraceContext.Scope.class, enterParent(context));
        startTool(tool);
      } else {
        TraceContext current = Tracewright.context();
        context.put(Origin.class, new Origin(current.isEmpty() ? null : current, Thread.currentThread()));
        if (!current.isEmpty() && context.getClass().getName().equals(ChatClientConversation.CONTEXT_CLASS)) {
          ChatClientConversation.mark(context); // by name: an application may use Spring AI without ChatClient
        }
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  private void startTool(ToolCallingObservationContext tool) {
    if (tracedTools.test(tool.getToolDefinition().name())) {
      ToolSpans.handOver(tool);
      tool.put(HandedOver.class, HandedOver.INSTANCE);
      return;
    }
    ActiveSpan span = ToolSpans.start(tool);
    tool.put(ActiveSpan.class, span);
    // Model calls the tool makes on other threads (a stream of its own) nest under its span.
    tool.put(Origin.class, new Origin(Tracewright.context(), Thread.currentThread())); // the span just started is current
  }

  /**
   * Makes the span that a model turn or tool call belongs under current on this thread, if it is not
   * already: the span of the nearest ancestor observation that remembered one.
   */
  private static TraceContext.Scope enterParent(Observation.Context context) {
    if (Tracewright.current().isRecording() || !Tracewright.isEnabled()) {
      return NOTHING_ENTERED;
    }
    Thread thread = Thread.currentThread();
    boolean startedElsewhere = false;
    ObservationView ancestor = context.getParentObservation();
    for (int i = 0; ancestor != null && i < MAX_ANCESTORS; i++) {
      Observation.ContextView view = ancestor.getContextView();
      Origin origin = view.get(Origin.class);
      if (origin != null) {
        if (origin.span() != null) {
          return origin.span().enter();
        }
        startedElsewhere |= origin.thread() != thread;
      }
      ancestor = view.getParentObservation();
    }
    if (startedElsewhere && LOGGED_UNPARENTED.compareAndSet(false, true)) {
      LOG.log(Level.INFO, "Tracewright: Spring AI ran a model call or tool call of a streamed conversation on thread "
          + thread.getName() + ", and no traced method was running when the conversation was"
          + " subscribed to, so each is recorded as a trace of its own. To have them under your @Agent span,"
          + " subscribe to the stream inside that method (for example stream().content().collectList().block()),"
          + " not after it returned (logged once)");
    }
    return NOTHING_ENTERED;
  }

  @Override
  public void onError(Observation.Context context) {
    try {
      ActiveSpan span = context.get(ActiveSpan.class);
      if (span != null && context.getError() != null) {
        span.error(context.getError());
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void onStop(Observation.Context context) {
    try {
      stop(context);
    } finally {
      TraceContext.Scope scope = context.get(TraceContext.Scope.class);
      if (scope != null) {
        scope.close(); // a tool's: Spring AI calls a tool synchronously, so this is the thread it started on
      }
    }
  }

  private static void stop(Observation.Context context) {
    if (context.containsKey(HandedOver.class)) {
      try {
        ToolSpans.takeBack();
      } catch (Throwable t) {
        failed(t);
      }
      return;
    }
    ActiveSpan span = context.get(ActiveSpan.class);
    if (span == null) {
      return;
    }
    try {
      if (context instanceof ChatModelObservationContext chat) {
        ChatSpans.finish(chat, span);
      } else {
        ToolSpans.finish((ToolCallingObservationContext) context, span);
      }
    } catch (Throwable t) {
      failed(t);
    } finally {
      span.close();
    }
  }

  private static void failed(Throwable t) {
    if (LOGGED.compareAndSet(false, true)) {
      LOG.log(Level.WARNING, "Tracewright could not record a Spring AI observation (logged once)", t);
    }
  }
}
