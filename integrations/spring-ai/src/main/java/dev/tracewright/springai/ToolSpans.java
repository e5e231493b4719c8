package dev.tracewright.springai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.SpanBuilder;
import dev.tracewright.runtime.Tracewright;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;

/** A {@code TOOL} span for one tool call Spring AI executes, carrying the model's tool call ID. */
final class ToolSpans {
  private ToolSpans() {}

  static ActiveSpan start(ToolCallingObservationContext context) {
    ToolDefinition tool = context.getToolDefinition();
    SpanBuilder span = Tracewright.span(tool.name(), SpanKind.TOOL)
        .code(null, null) // a tool Spring AI calls; the method, if traced, has its own span
        .attribute("gen_ai.tool.call.id", context.getToolCallId().isEmpty() ? null : context.getToolCallId())
        .attribute("gen_ai.tool.type", context.getToolType())
        .attribute("gen_ai.tool.description", tool.description());
    // The arguments object's fields become the input fields, as for a traced method's parameters.
    Object arguments = GenAiMessages.json(context.getToolCallArguments());
    if (arguments instanceof JsonNode node && node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        span.input(field.getKey(), field.getValue());
      }
    } else {
      span.input("arguments", arguments);
    }
    return span.start();
  }

  /**
   * For a tool whose method is traced: its own span, started next on this thread, gets the tool
   * call ID instead of a second span being wrapped around it.
   */
  static void handOver(ToolCallingObservationContext context) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    ToolDefinition tool = context.getToolDefinition();
    attributes.put("gen_ai.tool.name", tool.name()); // the name the model called, not the method's
    if (tool.description() != null && !tool.description().isEmpty()) {
      attributes.put("gen_ai.tool.description", tool.description());
    }
    if (!context.getToolCallId().isEmpty()) {
      attributes.put("gen_ai.tool.call.id", context.getToolCallId());
    }
    attributes.put("gen_ai.tool.type", context.getToolType());
    Tracewright.nextSpanAttributes(attributes);
  }

  /** Clears what {@link #handOver} left if the tool never reached its traced method. */
  static void takeBack() {
    Tracewright.nextSpanAttributes(null);
  }

  static void finish(ToolCallingObservationContext context, ActiveSpan span) {
    String result = context.getToolCallResult();
    if (result != null) {
      // Spring AI's result converter wrote the method's return value as JSON: read it back, so a
      // number is stored as a number, as a traced tool method's return value is.
      span.output(GenAiMessages.jsonValue(result));
    }
  }
}
