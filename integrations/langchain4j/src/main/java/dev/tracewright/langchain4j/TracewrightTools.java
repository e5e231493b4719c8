package dev.tracewright.langchain4j;

import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import dev.tracewright.runtime.Tracewright;
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
 * Only tools on a generated {@code *Traced} instance get spans; the hooks add the call ID to them.
 */
public final class TracewrightTools {
  public static final String TOOL_CALL_ID = "gen_ai.tool.call.id";

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
      String id = before.request().id();
      if (id != null) {
        Tracewright.nextSpanAttributes(Map.of(TOOL_CALL_ID, id));
      }
    } catch (RuntimeException e) {
      // tracing never disturbs the tool call; nothing recorded is worth an exception here
    }
  }

  /** Drops the call ID if no span took it (a tool that is not traced). */
  public static void afterToolExecution(ToolExecution execution) {
    Tracewright.nextSpanAttributes(null);
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
