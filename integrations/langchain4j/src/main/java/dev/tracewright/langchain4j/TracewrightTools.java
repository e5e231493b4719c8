package dev.tracewright.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.Tracewright;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tool executions of a LangChain4j {@code AiServices}: the span of a traced {@code @Tool} method
 * carries the model's tool call ID ({@code gen_ai.tool.call.id}), so a tool span links to the model
 * turn that asked for it; and concurrent tool execution stays in the agent's trace.
 *
 * <pre>{@code
 * Assistant assistant = TracewrightTools.trace(AiServices.builder(Assistant.class))
 *     .chatModel(model)
 *     .tools(new WeatherToolsTraced())
 *     .executeToolsConcurrently(TracewrightTools.executor())   // only if tools run concurrently
 *     .build();
 * }</pre>
 *
 * A tool on a generated {@code *Traced} instance records its own span, to which the hooks add the
 * call ID; any other tool gets a {@code TOOL} span from the hooks (name, call ID, arguments, result).
 */
public final class TracewrightTools {
  public static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
  /** Before and after hooks of one tool run on the thread that runs it. */
  private static final ThreadLocal<ActiveSpan> STAND_IN = new ThreadLocal<>();

  private TracewrightTools() {}

  /** Installs {@link #beforeToolExecution} and {@link #afterToolExecution} on the builder. */
  public static <T> AiServices<T> trace(AiServices<T> services) {
    return services
        .beforeToolExecution(TracewrightTools::beforeToolExecution)
        .afterToolExecution(TracewrightTools::afterToolExecution);
  }

  /**
   * LangChain4j runs this on the thread that then runs the tool: the tool call ID is handed to the
   * next span started there, the tool's own. For use in your own hook when you install one.
   */
  public static void beforeToolExecution(BeforeToolExecution before) {
    try {
      ToolExecutionRequest request = before.request();
      // In case the tool is not traced: a stand-in span, not current, kept or dropped afterwards.
      ActiveSpan standIn = Tracewright.span(request.name(), SpanKind.TOOL)
          .attribute(TOOL_CALL_ID, request.id())
          .input("arguments", request.arguments())
          .startDetached();
      STAND_IN.set(standIn);
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
   * stand-in becomes the tool's span, with the result LangChain4j sends back to the model.
   */
  public static void afterToolExecution(ToolExecution execution) {
    ActiveSpan standIn = STAND_IN.get();
    STAND_IN.remove();
    boolean untraced = Tracewright.nextSpanAttributes(null);
    if (standIn == null) {
      return;
    }
    if (!untraced) {
      standIn.discard();
      return;
    }
    try {
      if (execution.hasFailed()) {
        standIn.error(new ToolExecutionFailed(execution.result()));
      } else {
        standIn.output(execution.result());
      }
    } catch (RuntimeException e) {
      // as above
    } finally {
      standIn.close();
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
   * An executor for {@code executeToolsConcurrently(...)} whose tool runs are children of the span
   * that asked for them (the agent's), not new traces. Daemon threads, created as needed.
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
