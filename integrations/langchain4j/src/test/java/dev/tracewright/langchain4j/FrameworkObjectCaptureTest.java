package dev.tracewright.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LangChain4j's message and response types have accessors but no getters: passed to or returned by
 * a traced method they are captured by their fields, with text, tool calls and IDs, never {@code {}}.
 */
class FrameworkObjectCaptureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final InMemoryStore store = new InMemoryStore();

  @AfterEach
  void stop() {
    Tracewright.shutdown();
  }

  @Test
  void chatMessagesAndResponsesAreCapturedWithTheirContent() throws Exception {
    Tracewright.init(TraceConfig.builder().store(store).build());
    ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_9").name("getWeather").arguments("{\"city\":\"Paris\"}").build();
    List<ChatMessage> messages =
        List.of(SystemMessage.from("You are terse."), UserMessage.from("Mail bob@example.com the weather"), AiMessage.from(call));
    ChatResponse response =
        ChatResponse.builder().aiMessage(AiMessage.from("Sunny.")).modelName("gpt-4o-mini").tokenUsage(new TokenUsage(12, 3))
            .finishReason(FinishReason.STOP).build();

    Tracewright.span("ask", SpanKind.LLM).input("messages", messages).call(() -> response);
    assertTrue(Tracewright.flush());

    SpanRecord span = store.span("ask");
    JsonNode in = JSON.readTree(new String(store.blobs().get(span.inputRef()).content(), StandardCharsets.UTF_8)).get("messages");
    assertEquals("SystemMessage", in.at("/0/$type").asText());
    assertEquals("You are terse.", in.at("/0/text").asText());
    assertEquals("UserMessage", in.at("/1/$type").asText());
    assertTrue(in.at("/1/contents/0/text").asText().startsWith("Mail [REDACTED:"), "redacted as everywhere: " + in);
    assertFalse(in.toString().contains("bob@example.com"));
    assertEquals("call_9", in.at("/2/toolExecutionRequests/0/id").asText());
    assertEquals("getWeather", in.at("/2/toolExecutionRequests/0/name").asText());

    JsonNode out = JSON.readTree(new String(store.blobs().get(span.outputRef()).content(), StandardCharsets.UTF_8));
    assertEquals("Sunny.", out.at("/aiMessage/text").asText());
    assertEquals("gpt-4o-mini", out.at("/metadata/modelName").asText(), out.toString());
    assertEquals(12, out.at("/metadata/tokenUsage/inputTokenCount").asInt());
    assertEquals("STOP", out.at("/metadata/finishReason").asText());
  }

  @Test
  void aChatRequestIsCapturedWithItsMessagesAndParameters() throws Exception {
    Tracewright.init(TraceConfig.builder().store(store).build());
    ChatRequest request = ChatRequest.builder().messages(UserMessage.from("hello there")).temperature(0.3).modelName("gpt-4o").build();

    Tracewright.span("send", SpanKind.LLM).input("request", request).run(() -> {});
    assertTrue(Tracewright.flush());

    SpanRecord span = store.span("send");
    JsonNode in = JSON.readTree(new String(store.blobs().get(span.inputRef()).content(), StandardCharsets.UTF_8)).get("request");
    assertEquals("ChatRequest", in.get("$type").asText(), in.toString());
    assertEquals("hello there", in.at("/messages/0/contents/0/text").asText(), in.toString());
    assertEquals(0.3, in.at("/parameters/temperature").asDouble(), in.toString());
    assertEquals("gpt-4o", in.at("/parameters/modelName").asText(), in.toString());
  }
}
