package dev.tracewright.runtime;

/**
 * Reads the model and token usage a framework's response reports into the span of the call that
 * returned it. Generated code supplies one, as a constant, for an {@code @LlmCall} method whose
 * return type the processor knows (LangChain4j's {@code ChatResponse}, Spring AI's, the OpenAI and
 * Anthropic SDKs'): plain method calls on the response, no reflection.
 *
 * <p>A reader may assume the response carries usage: a {@code NullPointerException} or
 * {@code NoSuchElementException} from a response without it only means nothing is recorded.
 */
@FunctionalInterface
public interface UsageReader<T> {
  void read(T response, CurrentSpan span);
}
