package dev.tracewright.springai;

import dev.tracewright.runtime.ActiveSpan;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
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

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ChatModelObservationContext || context instanceof ToolCallingObservationContext;
  }

  @Override
  public void onStart(Observation.Context context) {
    try {
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
