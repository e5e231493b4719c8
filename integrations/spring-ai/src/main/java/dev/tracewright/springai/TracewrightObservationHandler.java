package dev.tracewright.springai;

import dev.tracewright.runtime.ActiveSpan;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
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
 */
public final class TracewrightObservationHandler implements ObservationHandler<Observation.Context> {
  private static final System.Logger LOG = System.getLogger(TracewrightObservationHandler.class.getName());
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

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

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ChatModelObservationContext || context instanceof ToolCallingObservationContext;
  }

  @Override
  public void onStart(Observation.Context context) {
    try {
      if (context instanceof ToolCallingObservationContext tool && tracedTools.test(tool.getToolDefinition().name())) {
        ToolSpans.handOver(tool);
        context.put(HandedOver.class, HandedOver.INSTANCE);
        return;
      }
      ActiveSpan span = context instanceof ChatModelObservationContext chat
          ? ChatSpans.start(chat)
          : ToolSpans.start((ToolCallingObservationContext) context);
      context.put(ActiveSpan.class, span);
    } catch (Throwable t) {
      failed(t);
    }
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
