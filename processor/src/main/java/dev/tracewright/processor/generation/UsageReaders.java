package dev.tracewright.processor.generation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;
import dev.tracewright.processor.model.KnownResponse;
import javax.lang.model.element.Modifier;

/**
 * The {@code UsageReader} constant for a known response type: a lambda of plain accessor calls
 * that the wrapper passes to {@code returned(value, reader)}. A response without usage makes the
 * accessors throw, which the runtime takes as "nothing to record".
 */
final class UsageReaders {
  private static final ClassName USAGE_READER = ClassName.get("dev.tracewright.runtime", "UsageReader");

  private UsageReaders() {}

  static FieldSpec field(KnownResponse response, String name) {
    TypeName type = ParameterizedTypeName.get(USAGE_READER, responseType(response));
    return FieldSpec.builder(type, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("(response, span) -> span$>$>\n$L$<$<", reads(response))
        .build();
  }

  /** The field name's stem: {@code ChatResponse} gives {@code chatResponseUsage}. */
  static String stem(KnownResponse response) {
    String simple = ClassName.bestGuess(response.qualifiedName()).simpleName();
    return Character.toLowerCase(simple.charAt(0)) + simple.substring(1) + "Usage";
  }

  private static TypeName responseType(KnownResponse response) {
    ClassName raw = ClassName.bestGuess(response.qualifiedName());
    // Response<T> is generic: one reader serves every Response<...> a method returns.
    return response == KnownResponse.LANGCHAIN4J_RESPONSE ? ParameterizedTypeName.get(raw, WildcardTypeName.subtypeOf(Object.class)) : raw;
  }

  private static CodeBlock reads(KnownResponse response) {
    return switch (response) {
      case LANGCHAIN4J_CHAT_RESPONSE -> CodeBlock.of(
          ".model(response.modelName())\n.tokens(response.tokenUsage().inputTokenCount(), response.tokenUsage().outputTokenCount())");
      case LANGCHAIN4J_RESPONSE -> CodeBlock.of(
          ".tokens(response.tokenUsage().inputTokenCount(), response.tokenUsage().outputTokenCount())");
      case SPRING_AI_CHAT_RESPONSE -> CodeBlock.of(
          ".model(response.getMetadata().getModel())\n"
              + ".tokens(response.getMetadata().getUsage().getPromptTokens(), response.getMetadata().getUsage().getCompletionTokens())");
      case OPENAI_CHAT_COMPLETION -> CodeBlock.of(
          ".model(response.model())\n.tokens(response.usage().get().promptTokens(), response.usage().get().completionTokens())");
      case ANTHROPIC_MESSAGE -> CodeBlock.of(
          ".model(response.model().asString())\n.tokens(response.usage().inputTokens(), response.usage().outputTokens())");
    };
  }
}
