package dev.tracewright.langchain4j;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;

/** An AI service with one chat memory per user, as LangChain4j's chat-memory examples write it. */
public interface MemoryAssistant {
  String chat(@MemoryId String user, @UserMessage String question);
}
