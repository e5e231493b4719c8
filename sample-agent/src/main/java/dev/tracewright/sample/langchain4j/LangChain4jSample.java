package dev.tracewright.sample.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.tracewright.langchain4j.TracewrightChatModelListener;
import dev.tracewright.langchain4j.TracewrightTools;
import java.io.PrintStream;
import java.util.List;

/**
 * The {@code --langchain4j} run: a LangChain4j {@code AiServices} agent with a real
 * {@code OpenAiChatModel}, traced by the one-line listener and the tool hooks. Without
 * {@code OPENAI_BASE_URL} the model is the offline one behind a local OpenAI-compatible endpoint.
 */
public final class LangChain4jSample {
  private LangChain4jSample() {}

  /** Runs the questions; returns how many failed. */
  public static int run(String baseUrl, String apiKey, String modelName, List<String> questions, PrintStream out) {
    ChatModel model = OpenAiChatModel.builder()
        .baseUrl(baseUrl)
        .apiKey(apiKey == null ? "offline" : apiKey)
        .modelName(modelName)
        .maxRetries(0)
        .listeners(List.of(new TracewrightChatModelListener())) // every model call is an LLM span
        .build();
    TravelDesk.Assistant assistant = TracewrightTools.trace(AiServices.builder(TravelDesk.Assistant.class)) // tools and turns in the agent's trace
        .chatModel(model)
        .tools(new CalculatorToolsTraced())
        .executeToolsConcurrently() // LangChain4j's own executor: its tools stay in the trace too
        .build();
    TravelDesk desk = new TravelDeskTraced(assistant);
    int failures = 0;
    for (String question : questions) {
      out.println();
      out.println("Q: " + question);
      try {
        out.println("A: " + desk.research(question));
      } catch (RuntimeException e) {
        failures++;
        out.println("run failed (recorded as an error trace): " + e);
      }
    }
    return failures;
  }
}
