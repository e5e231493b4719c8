package dev.tracewright.runtime.export;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.GenAiAttributes;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A stored span's attributes as the OpenTelemetry GenAI semantic conventions (in the version {@link
 * GenAiConventions} selects) and OpenInference name them, side by side, so Jaeger, Tempo, Phoenix and
 * Langfuse each find what they look for.
 */
public final class SemanticConventions {
  static final String CACHE_READ = "gen_ai.usage.cache_read.input_tokens";
  static final String CACHE_CREATION = "gen_ai.usage.cache_creation.input_tokens";
  static final String REASONING = "gen_ai.usage.reasoning.output_tokens";

  private SemanticConventions() {}

  /** OpenTelemetry span name: {@code chat gpt-4o}, {@code execute_tool search}, {@code invoke_agent planner}. */
  public static String spanName(SpanRecord s) {
    String operation = GenAiAttributes.operation(s.kind());
    if (operation == null) {
      return s.name();
    }
    String subject = s.kind() == SpanKind.LLM && s.model() != null ? s.model() : s.name();
    return operation + " " + subject;
  }

  static String openInferenceKind(SpanKind kind) {
    return switch (kind) {
      case LLM -> "LLM";
      case TOOL -> "TOOL";
      case AGENT -> "AGENT";
      case RETRIEVAL -> "RETRIEVER";
      default -> "CHAIN";
    };
  }

  /** Attribute names only the newest GenAI conventions have: left out of a {@link GenAiConventions#V1_36} export. */
  static final Set<String> LATEST_ONLY = Set.of(
      "gen_ai.provider.name", CACHE_READ, CACHE_CREATION, REASONING, "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
      "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions");

  /**
   * Every attribute of the exported span, named as {@code conventions} says. Content ({@code
   * input.value}, messages, tool arguments and results) only when the span was captured {@code
   * FULL_EXPORTABLE}; it is the stored, redacted content.
   */
  public static Map<String, Object> attributes(
      SpanRecord s, String input, String output, String inputMime, String outputMime, GenAiConventions conventions) {
    boolean latest = conventions == GenAiConventions.LATEST;
    Map<String, Object> a = new LinkedHashMap<>();
    String operation = GenAiAttributes.operation(s.kind());
    if (operation != null) {
      a.put("gen_ai.operation.name", operation);
    }
    a.put("openinference.span.kind", openInferenceKind(s.kind()));
    switch (s.kind()) {
      case LLM -> {
        put(a, latest ? "gen_ai.provider.name" : "gen_ai.system", s.provider());
        put(a, "gen_ai.request.model", s.model());
        put(a, "gen_ai.usage.input_tokens", s.inputTokens());
        put(a, "gen_ai.usage.output_tokens", s.outputTokens());
        put(a, "llm.model_name", s.model());
        put(a, "llm.provider", s.provider());
        put(a, "llm.token_count.prompt", s.inputTokens());
        put(a, "llm.token_count.completion", s.outputTokens());
        if (s.inputTokens() != null || s.outputTokens() != null) {
          a.put("llm.token_count.total", nz(s.inputTokens()) + nz(s.outputTokens()));
        }
        put(a, "llm.token_count.prompt_details.cache_read", s.attributes().get(CACHE_READ));
        put(a, "llm.token_count.prompt_details.cache_write", s.attributes().get(CACHE_CREATION));
        put(a, "llm.token_count.completion_details.reasoning", s.attributes().get(REASONING));
      }
      case TOOL -> {
        a.put("gen_ai.tool.name", s.attributes().getOrDefault(GenAiAttributes.TOOL_NAME, s.name()));
        a.put("tool.name", s.name());
        Object description = s.attributes().getOrDefault(GenAiAttributes.TOOL_DESCRIPTION, s.attributes().get(GenAiAttributes.LEGACY_TOOL_DESCRIPTION));
        put(a, "gen_ai.tool.description", description);
        put(a, "tool.description", description);
      }
      case AGENT -> {
        a.put("gen_ai.agent.name", s.name());
        a.put("agent.name", s.name());
      }
      default -> {}
    }
    put(a, "tracewright.cost_usd", s.costUsd());
    put(a, "code.namespace", s.codeNamespace());
    put(a, "code.function", s.codeFunction());
    put(a, "thread.name", s.threadName());
    if (s.isError()) {
      put(a, "error.type", s.errorType());
    }
    if (s.capturePolicy() == CapturePolicy.FULL_EXPORTABLE) {
      if (input != null) {
        a.put("input.value", input);
        a.put("input.mime_type", inputMime);
        if (latest && s.kind() == SpanKind.TOOL) {
          a.put("gen_ai.tool.call.arguments", input);
        } else if (latest && s.kind() == SpanKind.LLM) {
          GenAiMessageContent.input(input, a);
        }
      }
      if (output != null) {
        a.put("output.value", output);
        a.put("output.mime_type", outputMime);
        if (latest && s.kind() == SpanKind.TOOL) {
          a.put("gen_ai.tool.call.result", output);
        } else if (latest && s.kind() == SpanKind.LLM) {
          GenAiMessageContent.output(output, a);
        }
      }
    }
    // The span's own attributes, already redacted: newer GenAI names only when asked for.
    s.attributes().forEach((k, v) -> {
      if (latest || !LATEST_ONLY.contains(k)) {
        a.putIfAbsent(k, v);
      }
    });
    return a;
  }

  private static void put(Map<String, Object> a, String key, Object value) {
    if (value != null) {
      a.put(key, value);
    }
  }

  private static long nz(Long v) {
    return v == null ? 0 : v;
  }
}
