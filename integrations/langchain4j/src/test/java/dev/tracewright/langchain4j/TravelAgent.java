package dev.tracewright.langchain4j;

import dev.tracewright.annotations.Agent;

/** The user's agent: a traced method that asks the AI service. */
@Agent
public class TravelAgent {
  private final Assistant assistant;

  public TravelAgent(Assistant assistant) {
    this.assistant = assistant;
  }

  public String plan(String question) {
    return assistant.chat(question);
  }
}
