package dev.tracewright.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracewright.springai.StoredSpans.Row;
import dev.tracewright.springai.StoredSpans.Trace;
import dev.tracewright.springai.app.TravelAgent;
import dev.tracewright.springai.app.WeatherTools;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.springframework.ai.chat.client.ChatClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ChatClient.stream()} with tools in a real Spring Boot application: Spring AI runs each tool
 * call, and the model turn after it, on Reactor's {@code boundedElastic} threads, where the agent's
 * span is not the current span. The streamed conversation must still be one trace under the agent,
 * as {@link SpringAiOpenAiTest} shows for {@code call()}.
 */
class SpringAiStreamingTest {
  @TempDir Path dir;

  @Test
  void streamedConversationWithAToolCallIsOneTraceUnderTheAgent() throws Exception {
    String answer;
    try (FakeOpenAi openAi = new FakeOpenAi(
            FakeOpenAi.streamedToolCall("call_w1", "weather", List.of("{\"ci", "ty\":\"Par", "is\"}"), 57, 15),
            FakeOpenAi.streamedAnswer(List.of("Take an umbrella: ", "light rain in Paris."), 91, 12));
        ConfigurableApplicationContext context = SpringAiOpenAiTest.start(openAi, dir)) {
      answer = context.getBean(TravelAgent.class).planStreamingWithTools("Do I need an umbrella in Paris?");
      assertEquals(2, openAi.requests.size());
      assertTrue(openAi.requests.get(0).contains("\"stream\":true"), openAi.requests.get(0));
      assertTrue(openAi.requests.get(1).contains("light rain"), "the tool result went back to the model");
    }
    assertEquals("Take an umbrella: light rain in Paris.", answer);

    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT planStreamingWithTools", "LLM chat gpt-4o-mini", "TOOL weather", "LLM chat gpt-4o-mini"),
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
    assertTrue(tool.threadName().startsWith("boundedElastic"),
        "the case under test: Spring AI ran the tool on a Reactor thread, not " + tool.threadName());
    assertEquals(List.of(new Trace(agent.traceId(), agent.spanId(), 4, 57 + 91, 15 + 12)),
        StoredSpans.traces(dir.resolve("traces")), "one trace, with both turns' tokens");

    assertTrue(firstTurn.attributes().path("gen_ai.request.stream").asBoolean());
    assertEquals(57L, firstTurn.inputTokens());
    assertEquals(15L, firstTurn.outputTokens());
    assertEquals("tool_calls", firstTurn.attributes().path("gen_ai.response.finish_reasons").asText());
    JsonNode call = StoredSpans.json(firstTurn.output()).path(ChatSpans.OUTPUT_MESSAGES).path(0).path("parts").path(0);
    assertEquals("tool_call", call.path("type").asText());
    assertEquals("call_w1", call.path("id").asText());
    assertEquals("Paris", call.path("arguments").path("city").asText(), "the streamed argument pieces, joined");

    assertEquals("call_w1", tool.attributes().path("gen_ai.tool.call.id").asText());
    assertEquals("Current weather in a city", tool.attributes().path("gen_ai.tool.description").asText());
    assertEquals("Paris", StoredSpans.json(tool.input()).path("city").asText());
    assertEquals(14, StoredSpans.json(tool.output()).path("celsius").asInt());

    assertEquals(91L, secondTurn.inputTokens());
    assertEquals(12L, secondTurn.outputTokens());
    assertEquals("stop", secondTurn.attributes().path("gen_ai.response.finish_reasons").asText());
    JsonNode secondPrompt = StoredSpans.json(secondTurn.input()).path(ChatSpans.INPUT_MESSAGES);
    assertEquals("call_w1", secondPrompt.path(secondPrompt.size() - 1).path("parts").path(0).path("id").asText());
    assertEquals("Take an umbrella: light rain in Paris.", StoredSpans.json(secondTurn.output())
        .path(ChatSpans.OUTPUT_MESSAGES).path(0).path("parts").path(0).path("content").asText());
  }

  @Test
  void aTracedToolMethodThatReactorRunsIsTheAgentsChildWithTheCallId() throws Exception {
    try (FakeOpenAi openAi = new FakeOpenAi(
            FakeOpenAi.streamedToolCall("call_c1", "convert_currency", List.of("{\"euros\":", "100}"), 30, 9),
            FakeOpenAi.streamedAnswer(List.of("That is ", "16000 yen."), 45, 7));
        ConfigurableApplicationContext context = SpringAiOpenAiTest.start(openAi, dir)) {
      assertEquals("That is 16000 yen.", context.getBean(TravelAgent.class).budgetStreaming("100 EUR in JPY?"));
    }
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT budgetStreaming", "LLM chat gpt-4o-mini", "TOOL convert", "LLM chat gpt-4o-mini"),
        spans.stream().map(s -> s.kind() + " " + s.name()).toList());
    Row agent = spans.get(0);
    for (Row child : spans.subList(1, 4)) {
      assertEquals(agent.spanId(), child.parentSpanId(), child.name() + " is a child of the agent");
      assertEquals(agent.traceId(), child.traceId());
    }
    Row tool = spans.get(2);
    assertTrue(tool.threadName().startsWith("boundedElastic"), tool.threadName());
    assertEquals("call_c1", tool.attributes().path("gen_ai.tool.call.id").asText());
    assertEquals(100.0, StoredSpans.json(tool.input()).path("euros").asDouble(), "the traced method's own capture");
    assertEquals(16000.0, StoredSpans.json(tool.output()).asDouble());
    assertEquals(1, StoredSpans.traces(dir.resolve("traces")).size());
  }

  @Test
  void streamedReplyWithoutToolsIsOneLlmSpanWithTheStreamsUsage() throws Exception {
    String answer;
    try (FakeOpenAi openAi = new FakeOpenAi(FakeOpenAi.streamedAnswer(List.of("Take ", "an ", "umbrella."), 40, 6));
        ConfigurableApplicationContext context = SpringAiOpenAiTest.start(openAi, dir)) {
      answer = context.getBean(TravelAgent.class).planStreaming("Do I need an umbrella in Paris?");
      assertTrue(openAi.requests.get(0).contains("\"include_usage\":true"), "Spring AI asks for the usage chunk");
    }
    assertEquals("Take an umbrella. Bon voyage!", answer);
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(List.of("AGENT planStreaming", "LLM chat gpt-4o-mini", "STEP signOff"),
        spans.stream().map(s -> s.kind() + " " + s.name()).toList());
    Row llm = spans.get(1);
    assertEquals(spans.get(0).spanId(), llm.parentSpanId());
    assertEquals(40L, llm.inputTokens());
    assertEquals(6L, llm.outputTokens());
    assertTrue(llm.costUsd() != null && llm.costUsd() > 0, "cost from the streamed usage: " + llm.costUsd());
    assertEquals(List.of(new Trace(spans.get(0).traceId(), spans.get(0).spanId(), 3, 40, 6)),
        StoredSpans.traces(dir.resolve("traces")));
  }

  @Test
  void aStreamSubscribedOutsideATracedMethodGivesSeparateTracesAndSaysWhyOnce() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Logger log = Logger.getLogger(TracewrightObservationHandler.class.getName());
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getMessage() != null && record.getMessage().contains("streamed conversation")) {
          logged.add(record.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    try (FakeOpenAi openAi = new FakeOpenAi(
            FakeOpenAi.streamedToolCall("call_w1", "weather", List.of("{\"city\":\"Paris\"}"), 57, 15),
            FakeOpenAi.streamedAnswer(List.of("Rain."), 91, 12),
            FakeOpenAi.streamedToolCall("call_w2", "weather", List.of("{\"city\":\"Oslo\"}"), 57, 15),
            FakeOpenAi.streamedAnswer(List.of("Snow."), 91, 12));
        ConfigurableApplicationContext context = SpringAiOpenAiTest.start(openAi, dir)) {
      // No traced method around the subscription: nothing for the conversation to belong to.
      ChatClient chat = context.getBean(ChatClient.Builder.class).build();
      WeatherTools weather = context.getBean(WeatherTools.class);
      for (String city : List.of("Paris", "Oslo")) {
        chat.prompt().user("Weather in " + city + "?").tools(weather).stream().content().collectList().block();
      }
    } finally {
      log.removeHandler(capture);
    }
    List<Row> spans = StoredSpans.read(dir.resolve("traces"));
    assertEquals(6, spans.size(), spans.toString());
    assertTrue(spans.stream().allMatch(s -> s.parentSpanId() == null), "each span is a trace of its own");
    assertEquals(1, logged.size(), "logged once: " + logged);
    assertTrue(logged.get(0).contains("subscribe to the stream inside that method"), logged.get(0));
  }
}
