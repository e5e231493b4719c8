package dev.tracewright.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.output.FinishReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LangChain4j messages in the OpenTelemetry GenAI message structure ({@code gen_ai.input.messages},
 * {@code gen_ai.output.messages}): each message a {@code role} and a list of typed {@code parts};
 * tool calls and their responses keep the model's call ID. Plain maps and lists, so the runtime
 * captures (and redacts) them like any other content.
 */
final class GenAiMessages {
  private GenAiMessages() {}

  static List<Map<String, Object>> input(List<ChatMessage> messages) {
    List<Map<String, Object>> out = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      out.add(message(m));
    }
    return out;
  }

  /** The reply as the single output message, with its finish reason. */
  static List<Map<String, Object>> output(AiMessage reply, FinishReason finishReason) {
    Map<String, Object> message = message(reply);
    if (finishReason != null) {
      message.put("finish_reason", finishReason(finishReason));
    }
    return List.of(message);
  }

  /** OpenAI's (and OpenTelemetry's) names for LangChain4j's finish reasons. */
  static String finishReason(FinishReason reason) {
    return switch (reason) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_EXECUTION -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
      default -> reason.name().toLowerCase(Locale.ROOT);
    };
  }

  private static Map<String, Object> message(ChatMessage m) {
    Map<String, Object> message = new LinkedHashMap<>();
    List<Map<String, Object>> parts = new ArrayList<>();
    if (m instanceof SystemMessage system) {
      message.put("role", "system");
      parts.add(text(system.text()));
    } else if (m instanceof UserMessage user) {
      message.put("role", "user");
      if (user.name() != null) {
        message.put("name", user.name());
      }
      for (Content content : user.contents()) {
        parts.add(content instanceof TextContent text ? text(text.text()) : Map.of("type", content.type().name().toLowerCase(Locale.ROOT)));
      }
    } else if (m instanceof AiMessage ai) {
      message.put("role", "assistant");
      if (ai.thinking() != null) {
        parts.add(part("reasoning", "content", ai.thinking()));
      }
      if (ai.text() != null) {
        parts.add(text(ai.text()));
      }
      for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
        Map<String, Object> part = part("tool_call", "id", call.id());
        part.put("name", call.name());
        part.put("arguments", call.arguments());
        parts.add(part);
      }
    } else if (m instanceof ToolExecutionResultMessage result) {
      message.put("role", "tool");
      Map<String, Object> part = part("tool_call_response", "id", result.id());
      part.put("name", result.toolName());
      part.put("response", result.text());
      parts.add(part);
    } else {
      message.put("role", m.type().name().toLowerCase(Locale.ROOT)); // a custom message: its type, no known parts
    }
    message.put("parts", parts);
    return message;
  }

  private static Map<String, Object> text(String content) {
    return part("text", "content", content);
  }

  private static Map<String, Object> part(String type, String key, Object value) {
    Map<String, Object> part = new LinkedHashMap<>();
    part.put("type", type);
    part.put(key, value);
    return part;
  }
}
