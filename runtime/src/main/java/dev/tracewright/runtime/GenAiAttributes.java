package dev.tracewright.runtime;

import dev.tracewright.annotations.SpanKind;
import java.util.Map;

/**
 * The GenAI attributes every span of a kind carries, whichever path made it (a traced method, a
 * hand-made span, LangChain4j's hooks, Spring AI's observations): what the path knows is kept, what
 * it left out is filled in from the span's kind and name. A reader then finds one attribute set,
 * and a query on {@code gen_ai.tool.name} finds every tool call. Integrations and exporters use
 * these names.
 */
public final class GenAiAttributes {
  public static final String OPERATION = "gen_ai.operation.name";
  public static final String TOOL_NAME = "gen_ai.tool.name";
  public static final String CONVERSATION_ID = "gen_ai.conversation.id";
  public static final String TOOL_TYPE = "gen_ai.tool.type";
  public static final String TOOL_DESCRIPTION = "gen_ai.tool.description";
  /** What {@code @Tool(description)} was stored as before the GenAI name. */
  public static final String LEGACY_TOOL_DESCRIPTION = "tool.description";

  private GenAiAttributes() {}

  /** {@code gen_ai.operation.name} of a kind, or null for kinds GenAI has no operation for. */
  public static String operation(SpanKind kind) {
    return switch (kind) {
      case LLM -> "chat";
      case TOOL -> "execute_tool";
      case AGENT -> "invoke_agent";
      case RETRIEVAL -> "retrieval";
      default -> null;
    };
  }

  /** Adds what a span of this kind carries and {@code attributes} (mutable) lacks. */
  static void complete(SpanKind kind, String name, Map<String, Object> attributes) {
    String operation = operation(kind);
    if (operation == null) {
      return;
    }
    attributes.putIfAbsent(OPERATION, operation);
    if (kind == SpanKind.TOOL) {
      attributes.putIfAbsent(TOOL_NAME, name);
      attributes.putIfAbsent(TOOL_TYPE, "function");
      Object legacy = attributes.remove(LEGACY_TOOL_DESCRIPTION);
      if (legacy != null) {
        attributes.putIfAbsent(TOOL_DESCRIPTION, legacy);
      }
    }
  }
}
