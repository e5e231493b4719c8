package dev.tracewright.langchain4j;

import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;

/**
 * Cached input tokens, which LangChain4j's core {@link TokenUsage} does not carry: each provider
 * module reports them on its own subclass. Provider modules are optional here, so each is looked
 * at only when its class is on the classpath.
 */
final class CachedTokens {
  private static final boolean OPEN_AI = present("dev.langchain4j.model.openai.OpenAiTokenUsage");
  private static final boolean ANTHROPIC = present("dev.langchain4j.model.anthropic.AnthropicTokenUsage");

  private CachedTokens() {}

  /** The cached input tokens, or null when the provider does not say. */
  static Integer of(TokenUsage usage) {
    Integer cached = OPEN_AI ? OpenAi.cached(usage) : null;
    return cached == null && ANTHROPIC ? Anthropic.cached(usage) : cached;
  }

  /** Input tokens written to the prompt cache (Anthropic), or null when the provider does not say. */
  static Integer written(TokenUsage usage) {
    return ANTHROPIC ? Anthropic.written(usage) : null;
  }

  /**
   * The whole prompt, cache reads and writes included, as OpenAI counts it and Tracewright's pricing
   * expects: Anthropic's {@code input_tokens} leaves its cache reads and writes out.
   */
  static long input(TokenUsage usage) {
    long input = usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
    if (ANTHROPIC && Anthropic.is(usage)) {
      input += orZero(Anthropic.cached(usage)) + orZero(Anthropic.written(usage));
    }
    return input;
  }

  private static long orZero(Integer count) {
    return count == null ? 0 : count;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, CachedTokens.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Loaded only when langchain4j-anthropic is present. */
  private static final class Anthropic {
    static boolean is(TokenUsage usage) {
      return usage instanceof AnthropicTokenUsage;
    }

    static Integer cached(TokenUsage usage) {
      return usage instanceof AnthropicTokenUsage anthropic ? anthropic.cacheReadInputTokens() : null;
    }

    static Integer written(TokenUsage usage) {
      return usage instanceof AnthropicTokenUsage anthropic ? anthropic.cacheCreationInputTokens() : null;
    }
  }

  /** Loaded only when langchain4j-open-ai is present. */
  private static final class OpenAi {
    static Integer cached(TokenUsage usage) {
      if (usage instanceof OpenAiTokenUsage openAi && openAi.inputTokensDetails() != null) {
        return openAi.inputTokensDetails().cachedTokens();
      }
      return null;
    }
  }
}
