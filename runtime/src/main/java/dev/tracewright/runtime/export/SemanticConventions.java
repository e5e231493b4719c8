package dev.tracewright.runtime.export;

import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.GenAiAttributes;
import dev.tracewright.runtime.store.SpanRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored span's attributes as the OpenTelemetry GenAI semantic conventions and OpenInference name
 * them, side by side, so Jaeger, Tempo, Phoenix and Langfuse each find what they look for.
 */
public final class SemanticConventions {
  private SemanticConventions() {}

  /** OpenTelemetry span name: {@code chat gpt-4o}, {@code execute_tool search}, {@code invoke_agent planner}. */
  public static String spanName(SpanRecord s) {
    String operation = operation(s.kind());
    if (operation == null) {
      return s.name();
    }
    String subject = s.kind() == SpanKind.LLM && s.model() != null ? s.model() : s.name();
    return operation + " " + subject;
  }

  /** {@code gen_ai.operation.name}, or null for kinds GenAI has no operation for. */
  static String operation(SpanKind kind) {
    return GenAiAttributes.operation(kind);
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

  /**
   * Every attribute of the exported span. Content ({@code input.value}, tool arguments and results)
   * only when the span was captured {@code FULL_EXPORTABLE}; it is the stored, redacted content.
   */
  public static Map<String, Object> attributes(SpanRecord s, String input, String output, String inputMime, String outputMime) {
    Map<String, Object> a = new LinkedHashMap<>();
    String operation = operation(s.kind());
    if (operation != null) {
      a.put("gen_ai.operation.name", operation);
    }
    a.put("openinference.span.kind", openInferenceKind(s.kind()));
    switch (s.kind()) {
      case LLM -> {
        put(a, "gen_ai.provider.name", s.provider());
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
      }
      case TOOL -> {
        a.put("gen_ai.tool.name", s.name());
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
        if (s.kind() == SpanKind.TOOL) {
          a.put("gen_ai.tool.call.arguments", input);
        }
      }
      if (output != null) {
        a.put("output.value", output);
        a.put("output.mime_type", outputMime);
        if (s.kind() == SpanKind.TOOL) {
          a.put("gen_ai.tool.call.result", output);
        }
      }
    }
    s.attributes().forEach(a::putIfAbsent); // the user's own attributes, already redacted
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
