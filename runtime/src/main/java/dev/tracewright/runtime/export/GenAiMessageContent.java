package dev.tracewright.runtime.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;

/**
 * An LLM span's stored content, when it is the GenAI messages structure the integrations record
 * ({@code {"gen_ai.input.messages": [...]}}), as the newest conventions' attributes: the chat history
 * in {@code gen_ai.input.messages}, the system messages' parts apart in {@code
 * gen_ai.system_instructions}, the reply in {@code gen_ai.output.messages}. JSON text, which the
 * conventions allow on spans. Content that is not that structure (or was truncated) adds nothing.
 */
final class GenAiMessageContent {
  static final String INPUT = "gen_ai.input.messages";
  static final String OUTPUT = "gen_ai.output.messages";
  static final String SYSTEM = "gen_ai.system_instructions";

  private GenAiMessageContent() {}

  static void input(String stored, Map<String, Object> attributes) {
    JsonNode messages = field(stored, INPUT);
    if (messages == null) {
      return;
    }
    ArrayNode history = OtlpJson.JSON.createArrayNode();
    ArrayNode system = OtlpJson.JSON.createArrayNode();
    for (JsonNode message : messages) {
      if ("system".equals(message.path("role").asText())) {
        message.path("parts").forEach(system::add);
      } else {
        history.add(message);
      }
    }
    attributes.put(INPUT, history.toString());
    if (!system.isEmpty()) {
      attributes.put(SYSTEM, system.toString());
    }
  }

  static void output(String stored, Map<String, Object> attributes) {
    JsonNode messages = field(stored, OUTPUT);
    if (messages != null) {
      attributes.put(OUTPUT, messages.toString());
    }
  }

  /** The array under {@code name} in a stored JSON object, or null. */
  private static JsonNode field(String stored, String name) {
    if (stored == null || !stored.startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = OtlpJson.JSON.readTree(stored).get(name);
      return node != null && node.isArray() ? node : null;
    } catch (Exception notJson) {
      return null; // truncated content is text, not JSON
    }
  }
}
