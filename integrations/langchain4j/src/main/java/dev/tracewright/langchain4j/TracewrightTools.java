package dev.tracewright.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.observability.api.event.AiServiceEvent;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.observability.api.listener.AiServiceRequestIssuedListener;
import dev.langchain4j.observability.api.listener.AiServiceStartedListener;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceContext;
import dev.tracewright.runtime.Tracewright;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tool executions of a LangChain4j {@code AiServices}: the span of a traced {@code @Tool} method
 * carries the model's tool call ID ({@code gen_ai.tool.call.id}), so a tool span links to the model
 * turn that asked for it; and every model turn and tool of one AI service call stays in the trace of
 * the span that made the call (the agent's), whichever thread LangChain4j runs it on.
 *
 * <pre>{@code
 * Assistant assistant = TracewrightTools.trace(AiServices.builder(Assistant.class))
 *     .chatModel(model)                       // with a TracewrightChatModelListener
 *     .tools(new WeatherToolsTraced())
 *     .executeToolsConcurrently()             // if you like: LangChain4j's own executor is fine
 *     .build();
 * }</pre>
 *
 * A tool on a generated {@code *Traced} instance records its own span, to which the hooks add the
 * call ID; any other tool gets a {@code TOOL} span from the hooks (name, call ID, arguments, result).
 *
 * <p>How the trace follows the work: LangChain4j gives each AI service call an invocation ID and
 * passes it to every tool hook and AI-service event, on every thread. When the call starts (on the
 * caller's thread, where the agent's span is current) the registered listeners note the caller's
 * {@link TraceContext} under that ID; a tool hook enters that context on the tool's thread, and the
 * {@link TracewrightChatModelListener} starts each model turn under it, so concurrent tools, a
 * streamed reply's tool calls and the turns after them, and services called from pool threads all
 * stay in one trace.
 */
public final class TracewrightTools {
  public static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
  private static final System.Logger LOG = System.getLogger(TracewrightTools.class.getName());
  /** Before and after hooks of one tool run on the thread that runs it. */
  private static final ThreadLocal<ToolRun> RUN = new ThreadLocal<>();
  private static final TraceContext.Scope NO_SCOPE = () -> {};
  /** Set once any listener of {@link #listeners()} has seen an event: the hooks then know their invocations. */
  private static volatile boolean listening;
  private static final AtomicBoolean WARNED_NOT_LISTENING = new AtomicBoolean();

  /** A tool run between its hooks: the invocation, the stand-in span, the context entered for it. */
  private record ToolRun(UUID invocationId, ActiveSpan standIn, TraceContext.Scope scope) {
    /** Its after hook never ran (LangChain4j threw instead): nothing of it stays on this thread. */
    void abandon() {
      scope.close();
      standIn.discard();
    }
  }

  private TracewrightTools() {}

  /**
   * Installs {@link #beforeToolExecution} and {@link #afterToolExecution} on the builder and
   * registers {@link #listeners()}. Call it before {@code build()}; a {@code beforeToolExecution} or
   * {@code afterToolExecution} you set later replaces Tracewright's (call ours from yours).
   */
  public static <T> AiServices<T> trace(AiServices<T> services) {
    return services
        .beforeToolExecution(TracewrightTools::beforeToolExecution)
        .afterToolExecution(TracewrightTools::afterToolExecution)
        .registerListeners(listeners());
  }

  /**
   * The AI-service listeners that keep an invocation's spans under the span that made the call:
   * {@link #trace} registers them. Register them yourself ({@code registerListeners(..)}) only if you
   * install the tool hooks by hand.
   */
  public static List<AiServiceListener<?>> listeners() {
    return Listeners.ALL;
  }

  /**
   * LangChain4j runs this on the thread that then runs the tool: the invocation's context is made
   * current there, and the tool call ID is handed to the next span started there, the tool's own.
   * For use in your own hook when you install one.
   */
  public static void beforeToolExecution(BeforeToolExecution before) {
    try {
      ToolRun leftover = RUN.get();
      if (leftover != null) {
        RUN.remove();
        leftover.abandon();
      }
      ToolExecutionRequest request = before.request();
      UUID invocationId = invocationId(before.invocationContext());
      TraceContext parent = InvocationParents.SHARED.parentOf(invocationId);
      if (parent == null) {
        warnIfNotListening();
      }
      // Whichever thread LangChain4j chose, the tool (and anything it calls) runs under the invocation's span.
      TraceContext.Scope scope = parent == null ? NO_SCOPE : parent.enter();
      ActiveSpan standIn;
      try {
        // In case the tool is not traced: a stand-in span, not current, kept or dropped afterwards.
        standIn = Tracewright.span(request.name(), SpanKind.TOOL)
            .attribute(TOOL_CALL_ID, request.id())
            .input("arguments", request.arguments())
            .startDetached();
      } catch (RuntimeException e) {
        scope.close();
        throw e;
      }
      RUN.set(new ToolRun(invocationId, standIn, scope));
      Map<String, Object> forToolSpan = new HashMap<>();
      forToolSpan.put("gen_ai.tool.name", request.name());
      if (request.id() != null) {
        forToolSpan.put(TOOL_CALL_ID, request.id());
      }
      Tracewright.nextSpanAttributes(forToolSpan); // always set: whether it was taken tells traced from not

    } catch (RuntimeException e) {
      // tracing never disturbs the tool call; nothing recorded is worth an exception here
    }
  }

  /**
   * A traced tool recorded its own span (it took the call ID): the stand-in is dropped. Otherwise the
   * stand-in becomes the tool's span, with the result LangChain4j sends back to the model. The thread's
   * context is restored either way.
   */
  public static void afterToolExecution(ToolExecution execution) {
    ToolRun run = RUN.get();
    RUN.remove();
    boolean untraced = Tracewright.nextSpanAttributes(null);
    if (run == null) {
      return;
    }
    ActiveSpan standIn = run.standIn();
    try {
      if (!untraced) {
        standIn.discard();
        return;
      }
      if (execution.hasFailed()) {
        standIn.error(new ToolExecutionFailed(execution.result()));
      } else {
        // The method's own return value, captured as a traced method's is (a number stays a number);
        // the text LangChain4j sent the model when there is none (a void tool's "Success").
        Object value = execution.resultObject();
        standIn.output(value != null ? value : execution.result());
      }
    } catch (RuntimeException e) {
      // as above
    } finally {
      standIn.close(); // after discard(): nothing
      run.scope().close();
    }
  }

  private static UUID invocationId(InvocationContext context) {
    return context == null ? null : context.invocationId();
  }

  /** The tool will start a trace of its own because nobody told us where its invocation started. */
  private static void warnIfNotListening() {
    if (!listening && Tracewright.isEnabled() && !Tracewright.current().isRecording()
        && WARNED_NOT_LISTENING.compareAndSet(false, true)) {
      LOG.log(Level.WARNING, "A LangChain4j tool ran on thread " + Thread.currentThread().getName()
          + " outside any trace: Tracewright's AI-service listeners are not registered, so the tool cannot find the"
          + " span of the call that asked for it. Build the service with TracewrightTools.trace(AiServices.builder(..));"
          + " if you install the tool hooks yourself, also call registerListeners(TracewrightTools.listeners()). Logged once.");
    }
  }

  /** LangChain4j's memory ID when the method has one ({@code @MemoryId}), else it uses "default". */
  private static final String DEFAULT_MEMORY_ID = "default";

  /** A call with its own chat memory ID: that ID becomes the running trace's {@code gen_ai.conversation.id}. */
  private static void markConversation(dev.langchain4j.invocation.InvocationContext invocation) {
    Object memoryId = invocation == null ? null : invocation.chatMemoryId();
    if (memoryId != null && !DEFAULT_MEMORY_ID.equals(memoryId)) {
      Tracewright.conversation(String.valueOf(memoryId)).close(); // marks the running trace; nothing later on this thread
    }
  }

  /** An invocation ended: forget its parent, and anything of it left on this thread. */
  private static void ended(AiServiceEvent event) {
    UUID invocationId = invocationId(event.invocationContext());
    InvocationParents.SHARED.ended(invocationId);
    ToolRun run = RUN.get();
    if (run != null && invocationId != null && invocationId.equals(run.invocationId())) {
      RUN.remove(); // a tool that threw out of LangChain4j on this thread, skipping its after hook
      run.abandon();
      Tracewright.nextSpanAttributes(null);
    }
  }

  /** One instance each, so registering them twice on a builder registers them once. */
  private static final class Listeners {
    static final AiServiceStartedListener STARTED = event -> contained(() -> {
      listening = true;
      InvocationParents.SHARED.started(invocationId(event.invocationContext()), Tracewright.context());
      markConversation(event.invocationContext());
    });
    static final AiServiceRequestIssuedListener REQUEST_ISSUED = event -> contained(() -> {
      listening = true;
      InvocationParents.SHARED.requestIssued(invocationId(event.invocationContext()), event.request(), Tracewright.context());
    });
    static final AiServiceCompletedListener COMPLETED = event -> contained(() -> ended(event));
    static final AiServiceErrorListener FAILED = event -> contained(() -> ended(event));
    static final List<AiServiceListener<?>> ALL = List.of(STARTED, REQUEST_ISSUED, COMPLETED, FAILED);

    private static void contained(Runnable work) {
      try {
        work.run();
      } catch (RuntimeException e) {
        // a listener that threw would be logged by LangChain4j, or rethrown into the user's call if so configured
      }
    }
  }

  /** The error of a tool whose exception LangChain4j turned into text for the model. */
  static final class ToolExecutionFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ToolExecutionFailed(String message) {
      super(message, null, false, false); // no stack trace: it would point here, not at the tool
    }
  }

  /**
   * An executor for {@code executeToolsConcurrently(...)} whose tasks run in the trace context of the
   * thread that submitted them. Daemon threads, created as needed. No longer needed for tools: with
   * {@link #trace}, LangChain4j's own executor ({@code executeToolsConcurrently()}) keeps them in the
   * trace too; kept for code that passes it.
   */
  public static ExecutorService executor() {
    return Holder.EXECUTOR;
  }

  private static final class Holder {
    static final ExecutorService EXECUTOR = Tracewright.wrap(Executors.newCachedThreadPool(daemonThreads()));

    private static ThreadFactory daemonThreads() {
      AtomicInteger count = new AtomicInteger();
      return task -> {
        Thread t = new Thread(task, "tracewright-lc4j-tool-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
    }
  }
}
