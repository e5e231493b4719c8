package dev.tracewright.springai;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.SpanBuilder;
import dev.tracewright.runtime.Tracewright;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/** An {@code LLM} span for one Spring AI chat-model call, with the GenAI request and response attributes. */
final class ChatSpans {
  static final String INPUT_MESSAGES = "gen_ai.input.messages";
  static final String OUTPUT_MESSAGES = "gen_ai.output.messages";

  private ChatSpans() {}

  static ActiveSpan start(ChatModelObservationContext context) {
    Prompt prompt = context.getRequest();
    ChatOptions options = prompt.getOptions();
    String model = options == null ? null : options.getModel();
    SpanBuilder span = Tracewright.span(model == null ? "chat" : "chat " + model, SpanKind.LLM)
        .code(null, null) // Spring AI's call, not a method of the user's
        .provider(context.getOperationMetadata().provider())
        .model(model)
        .attribute("gen_ai.operation.name", context.getOperationMetadata().operationType())
        .attribute("gen_ai.request.model", model);
    if (context.isStreaming()) {
      span.attribute("gen_ai.request.stream", true);
    }
    if (options != null) {
      span.attribute("gen_ai.request.temperature", options.getTemperature())
          .attribute("gen_ai.request.max_tokens", options.getMaxTokens())
          .attribute("gen_ai.request.top_p", options.getTopP())
          .attribute("gen_ai.request.top_k", options.getTopK())
          .attribute("gen_ai.request.frequency_penalty", options.getFrequencyPenalty())
          .attribute("gen_ai.request.presence_penalty", options.getPresencePenalty());
      List<String> stop = options.getStopSequences();
      if (stop != null && !stop.isEmpty()) {
        span.attribute("gen_ai.request.stop_sequences", String.join(",", stop));
      }
    }
    // Converted lazily by Jackson only if the policy captures content; the list itself is cheap.
    span.input(INPUT_MESSAGES, new GenAiMessages.Input(prompt.getInstructions()));
    // Detached: nothing of the user's runs inside a model call, and a streaming call ends on another
    // thread, so the span must never sit on this thread's stack where later spans would find it.
    return span.startDetached();
  }

  static void finish(ChatModelObservationContext context, ActiveSpan span) {
    ChatResponse response = context.getResponse();
    if (response == null) {
      return;
    }
    ChatResponseMetadata metadata = response.getMetadata();
    if (metadata != null) {
      span.model(metadata.getModel());
      span.attribute("gen_ai.response.model", blankToNull(metadata.getModel()));
      span.attribute("gen_ai.response.id", blankToNull(metadata.getId()));
      recordUsage(metadata.getUsage(), span);
    }
    List<String> finishReasons = new ArrayList<>();
    for (Generation generation : response.getResults()) {
      String reason = generation.getMetadata() == null ? null : generation.getMetadata().getFinishReason();
      if (reason != null && !reason.isBlank()) {
        finishReasons.add(reason.toLowerCase(Locale.ROOT));
      }
    }
    if (!finishReasons.isEmpty()) {
      span.attribute("gen_ai.response.finish_reasons", String.join(",", finishReasons));
    }
    span.output(Map.of(OUTPUT_MESSAGES, new GenAiMessages.Output(response.getResults())));
  }

  private static void recordUsage(Usage usage, ActiveSpan span) {
    if (usage == null) {
      return;
    }
    Integer in = usage.getPromptTokens();
    Integer out = usage.getCompletionTokens();
    if (in != null && out != null && (in > 0 || out > 0)) {
      span.tokens(in, out);
    }
    Long cached = usage.getCacheReadInputTokens();
    if (cached != null && cached > 0) {
      span.attribute("gen_ai.usage.cache_read.input_tokens", cached);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
