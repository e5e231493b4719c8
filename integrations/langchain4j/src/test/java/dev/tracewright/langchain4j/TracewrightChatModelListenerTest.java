package dev.tracewright.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.ActiveSpan;
import dev.tracewright.runtime.TraceConfig;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.InMemoryStore;
import dev.tracewright.runtime.store.SpanRecord;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real LangChain4j OpenAI models and AiServices against an OpenAI-compatible server on
 * 127.0.0.1, recorded by the listener and the generated {@code *Traced} agent and tools.
 */
@Timeout(60)
class TracewrightChatModelListenerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double GPT_4O_MINI_IN = 0.15 / 1_000_000;
  private static final double GPT_4O_MINI_OUT = 0.60 / 1_000_000;

  private final InMemoryStore store = new InMemoryStore();
  private FakeOpenAi server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeOpenAi();
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(CapturePolicy.FULL_LOCAL).build());
  }

  @AfterEach
  void stop() {
    Tracewright.shutdown();
    server.close();
  }

  private ChatModel model(boolean traced) {
    OpenAiChatModel.OpenAiChatModelBuilder builder =
        OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key").modelName("gpt-4o-mini")
            .temperature(0.2).maxTokens(256).maxRetries(0);
    if (traced) {
      builder.listeners(List.of(new TracewrightChatModelListener()));
    }
    return builder.build();
  }

  private TravelAgent agent(ChatModel model, Object tools, boolean concurrent) {
    AiServices<Assistant> services = TracewrightTools.trace(AiServices.builder(Assistant.class)).chatModel(model).tools(tools);
    if (concurrent) {
      services.executeToolsConcurrently(TracewrightTools.executor());
    }
    return new TravelAgentTraced(services.build());
  }

  private static List<SpanRecord> byStart(List<SpanRecord> spans) {
    return spans.stream().sorted(Comparator.comparing(SpanRecord::startTime)).toList();
  }

  private String content(String ref) {
    return new String(store.blobs().get(ref).content(), StandardCharsets.UTF_8);
  }

  @Test
  void anAgentRunGivesAgentThenLlmTurnsThenToolWithCallIdTokensCostAndMessages() throws Exception {
    String answer = agent(model(true), new WeatherToolsTraced(), false).plan("What is the weather in Paris?");
    assertEquals(FakeOpenAi.ANSWER, answer);
    assertTrue(Tracewright.flush());

    SpanRecord agent = store.span("plan");
    assertEquals(SpanKind.AGENT, agent.kind());
    List<SpanRecord> children = byStart(store.children(agent));
    assertEquals(List.of("chat gpt-4o-mini", "getWeather", "chat gpt-4o-mini"), children.stream().map(SpanRecord::name).toList());
    assertEquals(1, store.traces().size());

    SpanRecord toolTurn = children.get(0);
    assertEquals(SpanKind.LLM, toolTurn.kind());
    assertEquals(FakeOpenAi.RESPONSE_MODEL, toolTurn.model());
    assertEquals("openai", toolTurn.provider());
    assertEquals(120L, toolTurn.inputTokens());
    assertEquals(30L, toolTurn.outputTokens());
    assertEquals(120 * GPT_4O_MINI_IN + 30 * GPT_4O_MINI_OUT, toolTurn.costUsd(), 1e-12);
    assertEquals("gpt-4o-mini", toolTurn.attributes().get("gen_ai.request.model"));
    assertEquals(FakeOpenAi.RESPONSE_MODEL, toolTurn.attributes().get("gen_ai.response.model"));
    assertEquals(100, toolTurn.attributes().get("gen_ai.usage.cache_read.input_tokens"));
    assertEquals("tool_calls", toolTurn.attributes().get("gen_ai.response.finish_reasons"));
    assertEquals(0.2, toolTurn.attributes().get("gen_ai.request.temperature"));
    assertEquals(256, toolTurn.attributes().get("gen_ai.request.max_tokens"));

    JsonNode asked = JSON.readTree(content(toolTurn.inputRef())).get("gen_ai.input.messages");
    assertEquals("user", asked.at("/0/role").asText());
    assertEquals("What is the weather in Paris?", asked.at("/0/parts/0/content").asText());
    JsonNode toolCall = JSON.readTree(content(toolTurn.outputRef())).at("/gen_ai.output.messages/0");
    assertEquals("assistant", toolCall.path("role").asText());
    assertEquals("tool_calls", toolCall.path("finish_reason").asText());
    assertEquals("tool_call", toolCall.at("/parts/0/type").asText());
    assertEquals("call_1", toolCall.at("/parts/0/id").asText());
    assertEquals("getWeather", toolCall.at("/parts/0/name").asText());

    SpanRecord tool = children.get(1);
    assertEquals(SpanKind.TOOL, tool.kind());
    assertEquals("call_1", tool.attributes().get(TracewrightTools.TOOL_CALL_ID));
    assertTrue(tool.inputPreview().contains("Paris"), tool.inputPreview());

    SpanRecord answerTurn = children.get(2);
    assertEquals(200L, answerTurn.inputTokens());
    assertEquals(20L, answerTurn.outputTokens());
    assertEquals(150, answerTurn.attributes().get("gen_ai.usage.cache_read.input_tokens"));
    assertEquals("stop", answerTurn.attributes().get("gen_ai.response.finish_reasons"));
    JsonNode history = JSON.readTree(content(answerTurn.inputRef())).get("gen_ai.input.messages");
    assertEquals("tool", history.at("/2/role").asText());
    assertEquals("call_1", history.at("/2/parts/0/id").asText());
    assertEquals("sunny, 24 C in Paris", history.at("/2/parts/0/response").asText());
    assertEquals(FakeOpenAi.ANSWER, JSON.readTree(content(answerTurn.outputRef())).at("/gen_ai.output.messages/0/parts/0/content").asText());

    assertEquals(320L, store.traces().get(0).inputTokens(), "the trace adds up both turns");
  }

  @Test
  void aToolThatIsNotTracedGetsItsSpanFromTheHooks() throws Exception {
    agent(model(true), new WeatherTools(), false).plan("What is the weather in Paris?");
    assertTrue(Tracewright.flush());

    SpanRecord agent = store.span("plan");
    List<SpanRecord> children = byStart(store.children(agent));
    assertEquals(List.of("chat gpt-4o-mini", "getWeather", "chat gpt-4o-mini"), children.stream().map(SpanRecord::name).toList());
    SpanRecord tool = children.get(1);
    assertEquals(SpanKind.TOOL, tool.kind());
    assertEquals("call_1", tool.attributes().get(TracewrightTools.TOOL_CALL_ID));
    assertTrue(tool.inputPreview().contains("Paris"), tool.inputPreview());
    assertEquals("\"sunny, 24 C in Paris\"", tool.outputPreview());
    assertEquals(1, store.traces().size());
  }

  @Test
  void aHookedToolAndATracedToolStoreTheSameAttributesAndTheSameJsonResult() throws Exception {
    agent(model(true), new Thermometer(), false).plan("How warm is Paris?");
    agent(model(true), new TracedThermometerTraced(), false).plan("How warm is Paris?");
    assertTrue(Tracewright.flush());
    List<SpanRecord> tools = store.spans().stream().filter(s -> s.kind() == SpanKind.TOOL).toList();
    assertEquals(2, tools.size());
    for (SpanRecord tool : tools) {
      assertEquals("24.5", tool.outputPreview(), "a number on both paths (before: the hooks stored the text \"24.5\")");
      assertEquals("execute_tool", tool.attributes().get("gen_ai.operation.name"));
      assertEquals("getWeather", tool.attributes().get("gen_ai.tool.name"));
      assertEquals("function", tool.attributes().get("gen_ai.tool.type"));
      assertEquals("call_1", tool.attributes().get(TracewrightTools.TOOL_CALL_ID));
    }
  }

  @Test
  void concurrentToolExecutionKeepsOneTraceWithToolsUnderTheAgent() throws Exception {
    server.toolCallsPerTurn = 2;
    WeatherTools tools = new WeatherToolsTraced();
    agent(model(true), tools, true).plan("Weather in Paris and Lyon?");
    assertTrue(Tracewright.flush());

    assertEquals(1, store.traces().size(), store.names().toString());
    SpanRecord agent = store.span("plan");
    List<SpanRecord> toolSpans = store.children(agent).stream().filter(s -> s.kind() == SpanKind.TOOL).toList();
    assertEquals(2, toolSpans.size());
    assertEquals(List.of("call_1", "call_2"), toolSpans.stream().map(s -> (String) s.attributes().get(TracewrightTools.TOOL_CALL_ID)).sorted().toList());
    assertTrue(toolSpans.stream().allMatch(s -> s.threadName().startsWith("tracewright-lc4j-tool-")), "ran on the executor's threads");
    assertTrue(tools.threads.stream().allMatch(t -> t.startsWith("tracewright-lc4j-tool-")));
  }

  @Test
  void aServerErrorGivesAnErrorLlmSpanAndTheUsersExceptionUnchanged() {
    server.failWithStatus = 500;
    RuntimeException plain = assertThrows(RuntimeException.class, () -> agent(model(false), new WeatherTools(), false).plan("hi"));
    assertTrue(Tracewright.flush());
    store.clear();

    RuntimeException traced = assertThrows(RuntimeException.class, () -> agent(model(true), new WeatherToolsTraced(), false).plan("hi"));
    assertEquals(plain.getClass(), traced.getClass());
    assertEquals(plain.getMessage(), traced.getMessage());
    assertTrue(Tracewright.flush());

    SpanRecord llm = store.span("chat gpt-4o-mini");
    assertTrue(llm.isError());
    assertEquals(traced.getClass().getName(), llm.errorType());
    assertEquals(store.span("plan").spanId(), llm.parentSpanId());
    assertNull(llm.inputTokens());
  }

  @Test
  void anUnauthorisedCallIsAnErrorSpanToo() {
    server.failWithStatus = 401;
    RuntimeException e = assertThrows(RuntimeException.class, () -> model(true).chat("hi"));
    assertTrue(Tracewright.flush());
    SpanRecord llm = store.span("chat gpt-4o-mini");
    assertTrue(llm.isError());
    assertEquals(e.getClass().getName(), llm.errorType());
  }

  @Test
  void aStreamingCallIsAnLlmSpanUnderTheCurrentSpanEndedWhenTheStreamCompletes() throws Exception {
    StreamingChatModel model =
        OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key").modelName("gpt-4o-mini")
            .listeners(List.of(new TracewrightChatModelListener())).build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    String agentId;
    try (ActiveSpan agent = Tracewright.span("streaming agent", SpanKind.AGENT).start()) {
      agentId = agent.spanId();
      model.chat(
          ChatRequest.builder().messages(UserMessage.from("Weather in Paris?")).build(),
          new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {}

            @Override
            public void onCompleteResponse(ChatResponse response) {
              done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
              done.completeExceptionally(error);
            }
          });
      assertEquals(FakeOpenAi.ANSWER, done.get(30, TimeUnit.SECONDS).aiMessage().text());
      Tracewright.span("after the stream", SpanKind.STEP).run(() -> {});
    }
    assertTrue(Tracewright.flush());

    SpanRecord llm = store.span("chat gpt-4o-mini");
    assertNotNull(llm, store.names().toString());
    assertEquals(agentId, llm.parentSpanId());
    assertEquals(agentId, store.span("after the stream").parentSpanId(), "the LLM span was never the thread's current span");
    assertEquals(200L, llm.inputTokens());
    assertEquals(20L, llm.outputTokens());
    assertEquals(150, llm.attributes().get("gen_ai.usage.cache_read.input_tokens"));
    assertEquals("stop", llm.attributes().get("gen_ai.response.finish_reasons"));
    assertTrue(llm.outputPreview().contains(FakeOpenAi.ANSWER), llm.outputPreview());
    assertNotNull(llm.costUsd());
  }

  @Test
  void metadataOnlyKeepsTokensAndModelButNoMessages() throws Exception {
    Tracewright.init(TraceConfig.builder().store(store).capturePolicy(CapturePolicy.METADATA_ONLY).build());
    agent(model(true), new WeatherToolsTraced(), false).plan("What is the weather in Paris?");
    assertTrue(Tracewright.flush());
    List<SpanRecord> llms = store.spans().stream().filter(s -> s.kind() == SpanKind.LLM).toList();
    assertEquals(2, llms.size());
    for (SpanRecord llm : llms) {
      assertNull(llm.inputPreview());
      assertNull(llm.outputPreview());
      assertNotNull(llm.inputTokens());
    }
  }
}
