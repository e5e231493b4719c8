package dev.tracewright.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.tracewright.annotations.Agent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The user's agent on a streaming AI service: a traced method that waits for the whole answer. */
@Agent
public class StreamingTravelAgent {
  private final StreamingAssistant assistant;

  public StreamingTravelAgent(StreamingAssistant assistant) {
    this.assistant = assistant;
  }

  public String plan(String question) throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    assistant.chat(question)
        .onPartialResponse(partial -> {})
        .onCompleteResponse(done::complete)
        .onError(done::completeExceptionally)
        .start();
    return done.get(30, TimeUnit.SECONDS).aiMessage().text();
  }
}
