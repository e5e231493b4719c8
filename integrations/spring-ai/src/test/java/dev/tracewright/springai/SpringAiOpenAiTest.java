package dev.tracewright.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracewright.springai.StoredSpans.Row;
import dev.tracewright.springai.app.TravelAgent;
import dev.tracewright.springai.app.TravelApplication;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot application with Spring AI's OpenAI chat model, ChatClient and a {@code @Tool}
 * bean, talking to OpenAI played on 127.0.0.1; only the dependency and {@code tracewright.db} added.
 */
class SpringAiOpenAiTest {
  @TempDir Path dir;

  private ConfigurableApplicationContext start(FakeOpenAi openAi, String... more) {
    return start(openAi, dir, more);
  }

  /** The test application talking to {@code openAi}, recording to {@code dir/traces}. */
  static ConfigurableApplicationContext start(FakeOpenAi openAi, Path dir, String... more) {
    SpringApplication app = new SpringApplication(TravelApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    String[] args = {
        "--spring.ai.openai.api-key=sk-test",
        "--spring.ai.openai.base-url=" + openAi.baseUrl(),
        "--spring.ai.openai.max-retries=0",
        "--spring.ai.openai.chat.model=gpt-4o-mini",
        "--spring.ai.openai.chat.temperature=0.2",
        "--spring.ai.openai.chat.max-tokens=300",
        "--spring.application.name=travel",
        "--tracewright.db=" + dir.resolve("traces")};
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return app.run(all);
  }

  @Test
  void agentModelTurnsAndToolCallBecomeOneTrace() throws Exception {
    String answer;
    try (FakeOpenAi openAi = new FakeOpenAi(
            FakeOpenAi.toolCall("call_w1", "weather", "{\"city\":\"Paris\"}", 57, 15),
            FakeOpenAi.answer("Take an umbrella: light rain in Paris.", 91, 12, 64));
        ConfigurableApplicationContext context = start(openAi)) {
      TravelAgent agent = context.getBean(TravelAgent.class);
      assertEquals("dev.tracewright.springai.app.TravelAgentTraced", agent.getClass().getName());
      answer = agent.plan("Do I need an umbrella in Paris? Mail ada@example.com");
      assertTrue(openAi.requests.get(0).contains("ada@example.com"), "the model gets the prompt as written");
      assertTrue(openAi.requests.get(1).contains("light rain"), "the tool result went back to the model");
    } // closing the context flushes and shuts Tracewright down
    assertEquals("Take an umbrella: light rain in Paris.", answer);

    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT plan", "LLM chat gpt-4o-mini", "TOOL weather", "LLM chat gpt-4o-mini"),
        spans.stream().map(s -> s.kind() + " " + s.name()).toList());
    Row agent = spans.get(0);
    Row firstTurn = spans.get(1);
    Row tool = spans.get(2);
    Row secondTurn = spans.get(3);
    assertNull(agent.parentSpanId());
    for (Row child : List.of(firstTurn, tool, secondTurn)) {
      assertEquals(agent.spanId(), child.parentSpanId(), child.name() + " is a child of the agent");
      assertEquals(agent.traceId(), child.traceId());
      assertEquals("OK", child.status());
    }

    assertEquals("gpt-4o-mini-2024-07-18", firstTurn.model(), "the response model wins");
    assertEquals("openai", firstTurn.provider());
    assertEquals(57L, firstTurn.inputTokens());
    assertEquals(15L, firstTurn.outputTokens());
    assertEquals(91L, secondTurn.inputTokens());
    assertEquals(12L, secondTurn.outputTokens());
    assertEquals(64, secondTurn.attributes().path("gen_ai.usage.cache_read.input_tokens").asInt(), "cached prompt tokens");
    assertTrue(firstTurn.attributes().path("gen_ai.usage.cache_read.input_tokens").isMissingNode(), "none cached: no attribute");
    assertTrue(firstTurn.costUsd() != null && firstTurn.costUsd() > 0, "cost from the pricing table: " + firstTurn.costUsd());
    JsonNode attributes = firstTurn.attributes();
    assertEquals("tool_calls", attributes.path("gen_ai.response.finish_reasons").asText());
    assertEquals("stop", secondTurn.attributes().path("gen_ai.response.finish_reasons").asText());
    assertEquals("gpt-4o-mini", attributes.path("gen_ai.request.model").asText());
    assertEquals(0.2, attributes.path("gen_ai.request.temperature").asDouble());
    assertEquals(300, attributes.path("gen_ai.request.max_tokens").asInt());
    assertEquals("chatcmpl-1", attributes.path("gen_ai.response.id").asText());

    // The prompt and the reply, in the GenAI messages structure.
    JsonNode prompt = StoredSpans.json(firstTurn.input()).path(ChatSpans.INPUT_MESSAGES);
    assertEquals("system", prompt.path(0).path("role").asText());
    assertEquals("You are a travel assistant.", prompt.path(0).path("parts").path(0).path("content").asText());
    assertEquals("user", prompt.path(1).path("role").asText());
    assertEquals("Do I need an umbrella in Paris? Mail [REDACTED:email]", prompt.path(1).path("parts").path(0).path("content").asText(),
        "the trace keeps the prompt redacted");
    JsonNode toolCallReply = StoredSpans.json(firstTurn.output()).path(ChatSpans.OUTPUT_MESSAGES).path(0);
    assertEquals("assistant", toolCallReply.path("role").asText());
    assertEquals("tool_calls", toolCallReply.path("finish_reason").asText());
    JsonNode call = toolCallReply.path("parts").path(0);
    assertEquals("tool_call", call.path("type").asText());
    assertEquals("call_w1", call.path("id").asText());
    assertEquals("weather", call.path("name").asText());
    assertEquals("Paris", call.path("arguments").path("city").asText());
    JsonNode secondPrompt = StoredSpans.json(secondTurn.input()).path(ChatSpans.INPUT_MESSAGES);
    JsonNode toolResult = secondPrompt.path(secondPrompt.size() - 1);
    assertEquals("tool", toolResult.path("role").asText());
    assertEquals("call_w1", toolResult.path("parts").path(0).path("id").asText());
    assertEquals("light rain", toolResult.path("parts").path(0).path("response").path("sky").asText());
    assertEquals("Take an umbrella: light rain in Paris.",
        StoredSpans.json(secondTurn.output()).path(ChatSpans.OUTPUT_MESSAGES).path(0).path("parts").path(0).path("content").asText());

    // The tool span links to the model turn that asked for it by the call ID.
    assertEquals("call_w1", tool.attributes().path("gen_ai.tool.call.id").asText());
    assertEquals("Current weather in a city", tool.attributes().path("gen_ai.tool.description").asText());
    assertEquals("Paris", StoredSpans.json(tool.input()).path("city").asText());
    assertEquals(14, StoredSpans.json(tool.output()).path("celsius").asInt());
  }

  @Test
  void streamedReplyIsOneLlmSpanThatEndsOnAnotherThreadWithoutCapturingLaterSpans() throws Exception {
    String answer;
    try (FakeOpenAi openAi = new FakeOpenAi(FakeOpenAi.streamedAnswer(List.of("Take ", "an ", "umbrella."), 40, 6));
        ConfigurableApplicationContext context = start(openAi)) {
      answer = context.getBean(TravelAgent.class).planStreaming("Do I need an umbrella in Paris?");
    }
    assertEquals("Take an umbrella. Bon voyage!", answer);
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT planStreaming", "LLM chat gpt-4o-mini", "STEP signOff"),
        spans.stream().map(s -> s.kind() + " " + s.name()).toList());
    Row agent = spans.get(0);
    Row llm = spans.get(1);
    assertEquals(agent.spanId(), llm.parentSpanId());
    assertEquals(agent.spanId(), spans.get(2).parentSpanId(), "the step after the stream is the agent's child");
    assertEquals(40L, llm.inputTokens());
    assertEquals(6L, llm.outputTokens());
    assertEquals("stop", llm.attributes().path("gen_ai.response.finish_reasons").asText());
    assertTrue(llm.attributes().path("gen_ai.request.stream").asBoolean());
    assertEquals("Take an umbrella.", StoredSpans.json(llm.output()).path(ChatSpans.OUTPUT_MESSAGES)
        .path(0).path("parts").path(0).path("content").asText());
  }

  @Test
  void aToolWhoseMethodIsTracedGetsTheCallIdOnItsOwnSpanNotASecondSpan() throws Exception {
    try (FakeOpenAi openAi = new FakeOpenAi(
            FakeOpenAi.toolCall("call_c1", "convert_currency", "{\"euros\":100}", 30, 9),
            FakeOpenAi.answer("That is 16000 yen.", 45, 7));
        ConfigurableApplicationContext context = start(openAi)) {
      assertEquals("That is 16000 yen.", context.getBean(TravelAgent.class).budget("100 EUR in JPY?"));
    }
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT budget", "LLM chat gpt-4o-mini", "TOOL convert", "LLM chat gpt-4o-mini"),
        spans.stream().map(s -> s.kind() + " " + s.name()).toList());
    Row tool = spans.get(2);
    assertEquals(spans.get(0).spanId(), tool.parentSpanId());
    assertEquals("call_c1", tool.attributes().path("gen_ai.tool.call.id").asText());
    assertEquals(100.0, StoredSpans.json(tool.input()).path("euros").asDouble(), "the traced method's own capture");
    assertEquals(16000.0, StoredSpans.json(tool.output()).asDouble());
  }

  @Test
  void aToolOfATracedBeanThatTracewrightDoesNotTraceGetsItsSpanFromTheObservation() throws Exception {
    try (FakeOpenAi openAi = new FakeOpenAi(
            FakeOpenAi.toolCall("call_r1", "exchange_rate", "{}", 30, 9),
            FakeOpenAi.answer("160 yen per euro.", 45, 7));
        ConfigurableApplicationContext context = start(openAi)) {
      assertEquals("160 yen per euro.", context.getBean(TravelAgent.class).budget("How many yen per euro?"));
      assertTrue(openAi.requests.get(1).contains("160"), "the tool ran and its result went back to the model");
    }
    // Before: the forwarding override counted as traced, the observation left the call to it, and
    // nothing recorded the tool (three spans).
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT budget", "LLM chat gpt-4o-mini", "TOOL exchange_rate", "LLM chat gpt-4o-mini"),
        spans.stream().map(s -> s.kind() + " " + s.name()).toList());
    Row tool = spans.get(2);
    assertEquals(spans.get(0).spanId(), tool.parentSpanId());
    assertEquals("call_r1", tool.attributes().path("gen_ai.tool.call.id").asText());
  }

  /** The GenAI attributes of a span, as a map of name to text. */
  private static Map<String, String> genAi(Row span) {
    Map<String, String> attributes = new TreeMap<>();
    span.attributes().properties().forEach(e -> {
      if (e.getKey().startsWith("gen_ai.operation") || e.getKey().startsWith("gen_ai.tool")) {
        attributes.put(e.getKey(), e.getValue().asText());
      }
    });
    return attributes;
  }

  @Test
  void aTracedToolAndAnObservedToolCarryTheSameAttributesAndOutputType() throws Exception {
    try (FakeOpenAi openAi = new FakeOpenAi(
            FakeOpenAi.toolCall("call_c1", "convert_currency", "{\"euros\":100}", 30, 9),
            FakeOpenAi.answer("That is 16000 yen.", 45, 7),
            FakeOpenAi.toolCall("call_r1", "exchange_rate", "{}", 30, 9),
            FakeOpenAi.answer("160 yen per euro.", 45, 7));
        ConfigurableApplicationContext context = start(openAi)) {
      TravelAgent agent = context.getBean(TravelAgent.class);
      agent.budget("100 EUR in JPY?");
      agent.budget("How many yen per euro?");
    }
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    Row traced = spans.stream().filter(s -> s.name().equals("convert")).findFirst().orElseThrow();
    Row observed = spans.stream().filter(s -> s.name().equals("exchange_rate")).findFirst().orElseThrow();
    // Before: the traced method's span had no gen_ai.tool.name, description or operation name.
    assertEquals(Map.of("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "convert_currency",
        "gen_ai.tool.description", "Converts euros to yen", "gen_ai.tool.call.id", "call_c1", "gen_ai.tool.type", "function"), genAi(traced));
    assertEquals(Map.of("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "exchange_rate",
        "gen_ai.tool.description", "Yen per euro today", "gen_ai.tool.call.id", "call_r1", "gen_ai.tool.type", "function"), genAi(observed));
    // Before: the observed tool's number came back as the text "160.0".
    assertTrue(StoredSpans.json(traced.output()).isNumber(), traced.output());
    assertTrue(StoredSpans.json(observed.output()).isNumber(), observed.output());
    for (Row llm : spans.stream().filter(s -> s.kind().equals("LLM")).toList()) {
      assertEquals(Map.of("gen_ai.operation.name", "chat"), genAi(llm), llm.name());
    }
  }

  @Test
  void aChatClientConversationIdIsTheTracesConversation() throws Exception {
    try (FakeOpenAi openAi = new FakeOpenAi(FakeOpenAi.answer("Hello again.", 20, 3));
        ConfigurableApplicationContext context = start(openAi)) {
      assertEquals("Hello again.", context.getBean(TravelAgent.class).chatIn("user-7-thread-3", "Hi"));
    }
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT chatIn", "LLM chat gpt-4o-mini"), spans.stream().map(s -> s.kind() + " " + s.name()).toList());
    for (Row span : spans) {
      assertEquals("user-7-thread-3", span.attributes().path("gen_ai.conversation.id").asText(), span.name());
    }
  }

  @Test
  void failedModelCallIsAnErrorSpan() throws Exception {
    try (FakeOpenAi openAi = new FakeOpenAi(new FakeOpenAi.Reply(500,
            "{\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}"));
        ConfigurableApplicationContext context = start(openAi)) {
      TravelAgent agent = context.getBean(TravelAgent.class);
      try {
        agent.plan("Do I need an umbrella in Paris?");
      } catch (RuntimeException expected) {
        // the user's call fails as it would without Tracewright
      }
    }
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT plan", "LLM chat gpt-4o-mini"), spans.stream().map(s -> s.kind() + " " + s.name()).toList());
    Row llm = spans.get(1);
    assertEquals("ERROR", llm.status());
    assertTrue(llm.errorType() != null && !llm.errorType().isEmpty());
    assertEquals("ERROR", spans.get(0).status());
  }

  @Test
  void metadataOnlyPolicyKeepsThePromptOut() throws Exception {
    try (FakeOpenAi openAi = new FakeOpenAi(
            FakeOpenAi.toolCall("call_w1", "weather", "{\"city\":\"Paris\"}", 57, 15),
            FakeOpenAi.answer("Take an umbrella.", 91, 12));
        ConfigurableApplicationContext context = start(openAi, "--tracewright.capture-policy=METADATA_ONLY")) {
      context.getBean(TravelAgent.class).plan("Do I need an umbrella in Paris?");
    }
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(4, spans.size());
    for (Row span : spans) {
      assertNull(span.input(), span.name());
      assertNull(span.output(), span.name());
    }
    assertEquals(57L, spans.get(1).inputTokens(), "metadata is still recorded");
  }
}
