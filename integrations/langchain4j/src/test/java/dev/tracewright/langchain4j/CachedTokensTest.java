package dev.tracewright.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import org.junit.jupiter.api.Test;

/** Cached input tokens from each provider module's own usage type; core's has none. */
class CachedTokensTest {

  @Test
  void readsOpenAiAndAnthropicCachedTokens() {
    OpenAiTokenUsage openAi = OpenAiTokenUsage.builder().inputTokenCount(100).outputTokenCount(5)
        .inputTokensDetails(OpenAiTokenUsage.InputTokensDetails.builder().cachedTokens(64).build()).build();
    AnthropicTokenUsage anthropic = new AnthropicTokenUsage.Builder().inputTokenCount(100).outputTokenCount(5)
        .cacheReadInputTokens(32).build();

    assertEquals(64, CachedTokens.of(openAi));
    assertEquals(32, CachedTokens.of(anthropic));
    assertNull(CachedTokens.of(new TokenUsage(100, 5)));
    assertNull(CachedTokens.of(OpenAiTokenUsage.builder().inputTokenCount(1).outputTokenCount(1).build()));
  }

  @Test
  void anthropicInputIsCountedWithItsCacheReadsAndWritesAsOpenAiCountsIt() {
    // Anthropic's input_tokens leaves cache reads and writes out; OpenAI's prompt_tokens has them in.
    AnthropicTokenUsage anthropic = new AnthropicTokenUsage.Builder().inputTokenCount(1_000).outputTokenCount(5)
        .cacheReadInputTokens(50_000).cacheCreationInputTokens(4_000).build();
    OpenAiTokenUsage openAi = OpenAiTokenUsage.builder().inputTokenCount(100).outputTokenCount(5)
        .inputTokensDetails(OpenAiTokenUsage.InputTokensDetails.builder().cachedTokens(64).build()).build();

    assertEquals(55_000, CachedTokens.input(anthropic));
    assertEquals(4_000, CachedTokens.written(anthropic));
    assertEquals(100, CachedTokens.input(openAi), "already the whole prompt");
    assertNull(CachedTokens.written(openAi));
    assertEquals(0, CachedTokens.input(new TokenUsage(null, 5)));
  }
}
