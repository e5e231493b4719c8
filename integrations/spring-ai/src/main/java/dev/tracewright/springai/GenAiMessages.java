package dev.tracewright.springai;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.content.Media;
import org.springframework.ai.content.MediaContent;

/**
 * Spring AI messages in the OpenTelemetry GenAI structure ({@code role}, {@code parts}: text, tool
 * calls with their IDs, tool results). Converted only when Jackson serializes them, that is only
 * when the capture policy keeps content.
 */
final class GenAiMessages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GenAiMessages() {}

  /** The prompt's messages. */
  record Input(List<Message> messages) {
    @JsonValue
    List<Map<String, Object>> json() {
      List<Map<String, Object>> out = new ArrayList<>(messages.size());
      for (Message message : messages) {
        out.add(message(message, null));
      }
      return out;
    }
  }

  /** The model's reply: one assistant message per generation. */
  record Output(List<Generation> generations) {
    @JsonValue
    List<Map<String, Object>> json() {
      List<Map<String, Object>> out = new ArrayList<>(generations.size());
      for (Generation generation : generations) {
        String reason = generation.getMetadata() == null ? null : generation.getMetadata().getFinishReason();
        out.add(message(generation.getOutput(), reason == null || reason.isBlank() ? null : reason.toLowerCase(Locale.ROOT)));
      }
      return out;
    }
  }

  static Map<String, Object> message(Message message, String finishReason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", message.getMessageType().getValue());
    List<Map<String, Object>> parts = new ArrayList<>();
    String text = message.getText();
    if (text != null && !text.isEmpty()) {
      parts.add(part("text", "content", text));
    }
    if (message instanceof AssistantMessage assistant) {
      for (AssistantMessage.ToolCall call : assistant.getToolCalls()) {
        Map<String, Object> p = part("tool_call", "id", call.id());
        p.put("name", call.name());
        p.put("arguments", json(call.arguments()));
        parts.add(p);
      }
    }
    if (message instanceof ToolResponseMessage tool) {
      for (ToolResponseMessage.ToolResponse response : tool.getResponses()) {
        Map<String, Object> p = part("tool_call_response", "id", response.id());
        p.put("name", response.name());
        p.put("response", json(response.responseData()));
        parts.add(p);
      }
    }
    if (message instanceof MediaContent media) {
      for (Media item : media.getMedia()) {
        Map<String, Object> p = part("media", "mime_type", String.valueOf(item.getMimeType()));
        p.put("name", item.getName());
        parts.add(p); // the bytes stay out: a trace is not the place for images
      }
    }
    m.put("parts", parts);
    if (finishReason != null) {
      m.put("finish_reason", finishReason);
    }
    return m;
  }

  private static Map<String, Object> part(String type, String key, Object value) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", type);
    p.put(key, value);
    return p;
  }

  /** Tool arguments and results are JSON text as the model sees them: kept as JSON when they parse. */
  static Object json(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        JsonNode node = JSON.readTree(t);
        if (node != null) {
          return node;
        }
      } catch (Exception notJson) {
        // plain text that happens to start with a bracket
      }
    }
    return text;
  }

  /** Any one JSON value (a number, a quoted string, an object...) as JSON; anything else as text. */
  static Object jsonValue(String text) {
    if (text == null) {
      return null;
    }
    try (com.fasterxml.jackson.core.JsonParser parser = JSON.createParser(text)) {
      JsonNode node = JSON.readTree(parser);
      if (node != null && !node.isMissingNode() && parser.nextToken() == null) {
        return node;
      }
    } catch (Exception notJson) {
      // text, not JSON
    }
    return text;
  }
}
