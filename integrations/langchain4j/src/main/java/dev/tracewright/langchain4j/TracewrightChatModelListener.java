package dev.tracewright.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.SpanBuilder;
import dev.tracewright.runtime.Tracewright;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Map;

/**
 * Records every LangChain4j model call, blocking or streaming, as an {@code LLM} span under the
 * current Tracewright span: request and response model, provider, tokens (cached too, where the
 * provider reports them), finish reason, request parameters, cost from the pricing table, errors,
 * and the messages and reply in the GenAI structure under the capture policy.
 *
 * <pre>{@code
 * ChatModel model = OpenAiChatModel.builder()
 *     ...
 *     .listeners(List.of(new TracewrightChatModelListener()))
 *     .build();
 * }</pre>
 *
 * <p>The span is started in {@code onRequest} on the calling thread (so it joins that thread's trace;
 * a turn of an {@code AiServices} call built with {@link TracewrightTools#trace} joins the trace of
 * the span that made the call instead, whichever thread it starts on) and kept in the call's
 * listener attributes; it is ended by {@code onResponse} or {@code onError},
 * which for a streaming model run on the HTTP client's thread. It is never the calling thread's
 * current span, so nothing else started meanwhile is mistaken for its child. No method throws.
 */
public final class TracewrightChatModelListener implements ChatModelListener {
  private static final System.Logger LOG = System.getLogger(TracewrightChatModelListener.class.getName());
  static final String INPUT_MESSAGES = "gen_ai.input.messages";
  static final String OUTPUT_MESSAGES = "gen_ai.output.messages";

  /** This listener's key in the attributes LangChain4j keeps for one call. */
  private final Object spanKey = new Object();

  @Override
  public void onRequest(ChatModelRequestContext context) {
    try {
      ChatRequest request = context.chatRequest();
      String model = request.modelName();
      SpanBuilder builder =
          Tracewright.span(model == null ? "chat" : "chat " + model, SpanKind.LLM)
              .model(model)
              .provider(provider(context.modelProvider()))
              .attribute("gen_ai.operation.name", "chat")
              .attribute("gen_ai.request.model", model)
              .attribute("gen_ai.request.temperature", request.temperature())
              .attribute("gen_ai.request.top_p", request.topP())
              .attribute("gen_ai.request.max_tokens", request.maxOutputTokens())
              // A turn of an AiServices call goes under the call's span, on whatever thread it starts.
              .childOf(InvocationParents.SHARED.takeIssued(request));
      ActiveSpan span = builder.startDetached();
      if (span.capturesContent()) {
        span.captureInput(Map.of(INPUT_MESSAGES, GenAiMessages.input(request.messages())));
      }
      context.attributes().put(spanKey, span);
    } catch (Throwable t) {
      contained("onRequest", t);
    }
  }

  @Override
  public void onResponse(ChatModelResponseContext context) {
    ActiveSpan span = take(context.attributes());
    if (span == null) {
      return;
    }
    try {
      ChatResponse response = context.chatResponse();
      String model = response.modelName();
      span.model(model);
      span.attribute("gen_ai.response.model", model);
      span.attribute("gen_ai.response.id", response.id());
      TokenUsage usage = response.tokenUsage();
      if (usage != null) {
        span.tokens(CachedTokens.input(usage), orZero(usage.outputTokenCount()));
        span.attribute("gen_ai.usage.cache_read.input_tokens", CachedTokens.of(usage));
        span.attribute("gen_ai.usage.cache_creation.input_tokens", CachedTokens.written(usage));
      }
      if (response.finishReason() != null) {
        span.attribute("gen_ai.response.finish_reasons", GenAiMessages.finishReason(response.finishReason()));
      }
      if (span.capturesContent() && response.aiMessage() != null) {
        span.output(Map.of(OUTPUT_MESSAGES, GenAiMessages.output(response.aiMessage(), response.finishReason())));
      }
    } catch (Throwable t) {
      contained("onResponse", t);
    } finally {
      span.close();
    }
  }

  @Override
  public void onError(ChatModelErrorContext context) {
    ActiveSpan span = take(context.attributes());
    if (span != null) {
      span.error(context.error()).close();
    }
  }

  private ActiveSpan take(Map<Object, Object> attributes) {
    try {
      return attributes.remove(spanKey) instanceof ActiveSpan span ? span : null;
    } catch (Throwable t) {
      contained("listener attributes", t);
      return null;
    }
  }

  private static long orZero(Integer count) {
    return count == null ? 0 : count;
  }

  /** OpenTelemetry's {@code gen_ai.provider.name} for LangChain4j's provider. */
  static String provider(ModelProvider provider) {
    if (provider == null) {
      return null;
    }
    return switch (provider.name()) {
      case "OPEN_AI" -> "openai";
      case "ANTHROPIC" -> "anthropic";
      case "AMAZON_BEDROCK" -> "aws.bedrock";
      case "AZURE_OPEN_AI" -> "azure.ai.openai";
      case "GOOGLE_AI_GEMINI", "GOOGLE_GENAI" -> "gcp.gemini";
      case "GOOGLE_VERTEX_AI_GEMINI", "GOOGLE_VERTEX_AI_ANTHROPIC" -> "gcp.vertex_ai";
      case "MISTRAL_AI" -> "mistral_ai";
      case "WATSONX" -> "ibm.watsonx.ai";
      default -> provider.name().toLowerCase(Locale.ROOT);
    };
  }

  private static void contained(String where, Throwable t) {
    if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)) {
      throw e;
    }
    LOG.log(Level.WARNING, "Tracewright LangChain4j listener failed in " + where + "; the model call goes on", t);
  }
}
