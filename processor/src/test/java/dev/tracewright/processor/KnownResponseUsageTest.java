package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.tracewright.runtime.store.SpanRecord;
import org.junit.jupiter.api.Test;

/**
 * An {@code @LlmCall} returning a framework's response type records the model and tokens that
 * response reports, through generated accessor calls: compiled against the real libraries, run,
 * and read back from the store.
 */
class KnownResponseUsageTest extends TracingTest {

  static final Compiled LANGCHAIN4J =
      Compiled.compile(
          "package com.acme;",
          "import dev.langchain4j.data.message.AiMessage;",
          "import dev.langchain4j.model.chat.response.ChatResponse;",
          "import dev.langchain4j.model.output.Response;",
          "import dev.langchain4j.model.output.TokenUsage;",
          "import dev.tracewright.annotations.LlmCall;",
          "import dev.tracewright.runtime.Tracewright;",
          "public class Llm {",
          "  @LlmCall(model = \"gpt-4o\") public ChatResponse chat(String prompt) {",
          "    return ChatResponse.builder().aiMessage(AiMessage.from(\"hi\")).modelName(\"gpt-4o-mini-2024-07-18\")",
          "        .tokenUsage(new TokenUsage(1200, 300)).build();",
          "  }",
          "  @LlmCall(model = \"gpt-4o\") public Response<AiMessage> generate(String prompt) {",
          "    return Response.from(AiMessage.from(\"hi\"), new TokenUsage(40, 2));",
          "  }",
          "  @LlmCall public ChatResponse noUsage(String prompt) {",
          "    return ChatResponse.builder().aiMessage(AiMessage.from(\"hi\")).build();",
          "  }",
          "  public final java.util.concurrent.CompletableFuture<ChatResponse> pending = new java.util.concurrent.CompletableFuture<>();",
          "  @LlmCall public java.util.concurrent.CompletableFuture<ChatResponse> chatAsync(String prompt) { return pending; }",
          "  @LlmCall(model = \"gpt-4o\") public ChatResponse explicit(String prompt) {",
          "    Tracewright.current().tokens(7, 8);",
          "    return chat(prompt);",
          "  }",
          "}");

  static final Compiled OTHERS =
      Compiled.compile(
          "package com.acme;",
          "import java.util.List;",
          "import dev.tracewright.annotations.LlmCall;",
          "import org.springframework.ai.chat.messages.AssistantMessage;",
          "import org.springframework.ai.chat.metadata.ChatResponseMetadata;",
          "import org.springframework.ai.chat.metadata.DefaultUsage;",
          "import org.springframework.ai.chat.model.ChatResponse;",
          "import org.springframework.ai.chat.model.Generation;",
          "import com.openai.models.chat.completions.ChatCompletion;",
          "import com.anthropic.models.messages.Message;",
          "public class Sdks {",
          "  @LlmCall public ChatResponse spring(String prompt) {",
          "    return new ChatResponse(List.of(new Generation(new AssistantMessage(\"hi\"))),",
          "        ChatResponseMetadata.builder().model(\"gpt-4o\").usage(new DefaultUsage(100, 10)).build());",
          "  }",
          "  /** As the SDK builds it from the HTTP body. */",
          "  @LlmCall public ChatCompletion openAi(String prompt) throws Exception {",
          "    return com.openai.core.ObjectMappers.jsonMapper().readValue(",
          "        \"{\\\"id\\\":\\\"c1\\\",\\\"object\\\":\\\"chat.completion\\\",\\\"created\\\":0,\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"choices\\\":[],\"",
          "            + \"\\\"usage\\\":{\\\"prompt_tokens\\\":50,\\\"completion_tokens\\\":5,\\\"total_tokens\\\":55}}\",",
          "        ChatCompletion.class);",
          "  }",
          "  @LlmCall public ChatCompletion openAiWithoutUsage(String prompt) throws Exception {",
          "    return com.openai.core.ObjectMappers.jsonMapper().readValue(",
          "        \"{\\\"id\\\":\\\"c2\\\",\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"choices\\\":[]}\", ChatCompletion.class);",
          "  }",
          "  @LlmCall public Message anthropic(String prompt) throws Exception {",
          "    return com.anthropic.core.ObjectMappers.jsonMapper().readValue(",
          "        \"{\\\"id\\\":\\\"m1\\\",\\\"type\\\":\\\"message\\\",\\\"role\\\":\\\"assistant\\\",\\\"content\\\":[],\"",
          "            + \"\\\"model\\\":\\\"claude-sonnet-4-5\\\",\\\"usage\\\":{\\\"input_tokens\\\":30,\\\"output_tokens\\\":3}}\",",
          "        Message.class);",
          "  }",
          "}");

  @Test
  void springAiOpenAiAndAnthropicResponsesGiveModelAndTokens() throws Throwable {
    Object sdks = OTHERS.create("com.acme.SdksTraced");
    Compiled.call(sdks, "spring", "hi");
    Compiled.call(sdks, "openAi", "hi");
    Compiled.call(sdks, "anthropic", "hi");
    Compiled.call(sdks, "openAiWithoutUsage", "hi");

    SpanRecord spring = recorded().span("spring");
    assertEquals("gpt-4o", spring.model());
    assertEquals(100L, spring.inputTokens());
    assertEquals(10L, spring.outputTokens());
    String springOut = new String(store.blobs().get(spring.outputRef()).content(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(springOut.contains("\"text\":\"hi\"") && springOut.contains("ASSISTANT"), "Spring AI's reply is captured with its text and role: " + springOut);
    SpanRecord openAi = store.span("openAi");
    assertEquals("gpt-4o-mini", openAi.model());
    assertEquals(50L, openAi.inputTokens());
    assertEquals(5L, openAi.outputTokens());
    SpanRecord anthropic = store.span("anthropic");
    assertEquals("claude-sonnet-4-5", anthropic.model());
    assertEquals(30L, anthropic.inputTokens());
    assertEquals(3L, anthropic.outputTokens());
    SpanRecord withoutUsage = store.span("openAiWithoutUsage");
    assertEquals("gpt-4o-mini", withoutUsage.model());
    assertNull(withoutUsage.inputTokens());
    assertEquals(0, dev.tracewright.runtime.Tracewright.stats().internalErrors());
  }

  @Test
  void aLangChain4jChatResponseGivesModelTokensAndCost() throws Throwable {
    Compiled.call(LANGCHAIN4J.create("com.acme.LlmTraced"), "chat", "hello");
    SpanRecord chat = recorded().span("chat");
    assertEquals("gpt-4o-mini-2024-07-18", chat.model(), "the model that answered wins over the annotation's");
    assertEquals(1200L, chat.inputTokens());
    assertEquals(300L, chat.outputTokens());
    assertEquals((1200 * 0.15 + 300 * 0.60) / 1_000_000, chat.costUsd(), 1e-12);
  }

  @Test
  void aLangChain4jResponseGivesTokensAndKeepsTheAnnotationsModel() throws Throwable {
    Compiled.call(LANGCHAIN4J.create("com.acme.LlmTraced"), "generate", "hello");
    SpanRecord generate = recorded().span("generate");
    assertEquals("gpt-4o", generate.model());
    assertEquals(40L, generate.inputTokens());
    assertEquals(2L, generate.outputTokens());
  }

  @Test
  void aResponseWithoutUsageRecordsNoTokensAndReturnsNormally() throws Throwable {
    Object reply = Compiled.call(LANGCHAIN4J.create("com.acme.LlmTraced"), "noUsage", "hello");
    assertTrue(reply.toString().contains("hi"));
    SpanRecord span = recorded().span("noUsage");
    assertNull(span.inputTokens());
    assertEquals(0, dev.tracewright.runtime.Tracewright.stats().internalErrors(), "no usage is not a failure");
  }

  @Test
  void aFutureOfAKnownResponseRecordsItsUsageWhenItCompletes() throws Throwable {
    Object llm = LANGCHAIN4J.create("com.acme.LlmTraced");
    @SuppressWarnings("unchecked")
    java.util.concurrent.CompletableFuture<ChatResponse> future =
        (java.util.concurrent.CompletableFuture<ChatResponse>) Compiled.call(llm, "chatAsync", "hello");
    future.complete( // completed here, so the span has ended when complete() returns
        ChatResponse.builder().aiMessage(AiMessage.from("hi")).modelName("gpt-4o-mini").tokenUsage(new TokenUsage(90, 9)).build());
    SpanRecord async = recorded().span("chatAsync");
    assertEquals("gpt-4o-mini", async.model());
    assertEquals(90L, async.inputTokens());
    assertEquals(9L, async.outputTokens());
  }

  @Test
  void tokensTheCallSetItselfWin() throws Throwable {
    Compiled.call(LANGCHAIN4J.create("com.acme.LlmTraced"), "explicit", "hello");
    SpanRecord explicit = recorded().span("explicit");
    assertEquals(7L, explicit.inputTokens());
    assertEquals(8L, explicit.outputTokens());
  }

  @Test
  void theGeneratedReaderIsOneReadableConstant() {
    String source = LANGCHAIN4J.generatedSource("com.acme.LlmTraced");
    assertTrue(source.contains("private static final UsageReader<ChatResponse> CHAT_RESPONSE_USAGE = (response, span) -> span"), source);
    assertTrue(source.contains("return call.returned(super.chat(prompt), CHAT_RESPONSE_USAGE);"), source);
    assertTrue(source.contains("private static final UsageReader<Response<?>> RESPONSE_USAGE"), source);
  }
}
