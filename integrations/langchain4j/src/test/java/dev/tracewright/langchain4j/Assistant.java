package dev.tracewright.langchain4j;

/** A LangChain4j AI service, implemented by {@code AiServices}. */
public interface Assistant {
  String chat(String question);
}
