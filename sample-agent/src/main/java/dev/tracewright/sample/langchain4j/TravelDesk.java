package dev.tracewright.sample.langchain4j;

import dev.tracewright.annotations.Agent;

/**
 * The LangChain4j variant's agent: a traced method that hands the question to a LangChain4j AI
 * service. Create {@code TravelDeskTraced}; the model calls and tool calls inside nest under it.
 */
@Agent
public class TravelDesk {
  /** Implemented by LangChain4j's {@code AiServices}. */
  public interface Assistant {
    String answer(String question);
  }

  private final Assistant assistant;

  public TravelDesk(Assistant assistant) {
    this.assistant = assistant;
  }

  public String research(String question) {
    return assistant.answer(question);
  }
}
