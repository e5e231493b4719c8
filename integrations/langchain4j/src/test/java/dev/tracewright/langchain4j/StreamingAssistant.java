package dev.tracewright.langchain4j;

import dev.langchain4j.service.TokenStream;

/** A streaming LangChain4j AI service, implemented by {@code AiServices}. */
public interface StreamingAssistant {
  TokenStream chat(String question);
}
