package dev.tracewright.processor.model;

import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Framework response types that report their model and token usage. An {@code @LlmCall} method
 * declaring one as its return type gets generated code that reads them: recognised by qualified
 * name, so the processor and the runtime depend on none of these libraries.
 */
public enum KnownResponse {
  LANGCHAIN4J_CHAT_RESPONSE("dev.langchain4j.model.chat.response.ChatResponse"),
  LANGCHAIN4J_RESPONSE("dev.langchain4j.model.output.Response"),
  SPRING_AI_CHAT_RESPONSE("org.springframework.ai.chat.model.ChatResponse"),
  OPENAI_CHAT_COMPLETION("com.openai.models.chat.completions.ChatCompletion"),
  ANTHROPIC_MESSAGE("com.anthropic.models.messages.Message");

  private final String qualifiedName;

  KnownResponse(String qualifiedName) {
    this.qualifiedName = qualifiedName;
  }

  public String qualifiedName() {
    return qualifiedName;
  }

  /** The known response a method returns, or null. */
  public static KnownResponse of(TypeMirror returnType) {
    if (returnType.getKind() != TypeKind.DECLARED) {
      return null;
    }
    String name = ((TypeElement) ((DeclaredType) returnType).asElement()).getQualifiedName().toString();
    for (KnownResponse known : values()) {
      if (known.qualifiedName.equals(name)) {
        return known;
      }
    }
    return null;
  }
}
