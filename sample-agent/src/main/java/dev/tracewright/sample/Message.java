package dev.tracewright.sample;

/** One chat message, as OpenAI-compatible APIs take them. */
public record Message(String role, String content) {
  public static Message system(String content) {
    return new Message("system", content);
  }

  public static Message user(String content) {
    return new Message("user", content);
  }
}
