package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
          "  @LlmCall(model = \"gpt-4o\") public ChatResponse explicit(String prompt) {",
          "    Tracewright.current().tokens(7, 8);",
          "    return chat(prompt);",
          "  }",
          "}");

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
