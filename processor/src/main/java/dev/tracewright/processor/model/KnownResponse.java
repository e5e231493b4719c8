package dev.tracewright.processor.model;

import java.util.HashSet;
import java.util.Set;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Framework response types that report their model and token usage. An {@code @LlmCall} method
 * declaring one as its return type gets generated code that reads them: recognised by qualified
 * name, so the processor and the runtime depend on none of these libraries.
 */
public enum KnownResponse {
  LANGCHAIN4J_CHAT_RESPONSE("dev.langchain4j.model.chat.response.ChatResponse", "modelName", "tokenUsage"),
  LANGCHAIN4J_RESPONSE("dev.langchain4j.model.output.Response", "tokenUsage"),
  SPRING_AI_CHAT_RESPONSE("org.springframework.ai.chat.model.ChatResponse", "getMetadata"),
  OPENAI_CHAT_COMPLETION("com.openai.models.chat.completions.ChatCompletion", "model", "usage"),
  ANTHROPIC_MESSAGE("com.anthropic.models.messages.Message", "model", "usage");

  private final String qualifiedName;
  /** Accessors the generated reader calls on the response: a version without them is not known. */
  private final Set<String> accessors;

  KnownResponse(String qualifiedName, String... accessors) {
    this.qualifiedName = qualifiedName;
    this.accessors = Set.of(accessors);
  }

  public String qualifiedName() {
    return qualifiedName;
  }

  /** The known response a method returns, or null (also for a library version that lacks an accessor). */
  public static KnownResponse of(TypeMirror returnType, Elements elements) {
    if (returnType.getKind() != TypeKind.DECLARED) {
      return null;
    }
    TypeElement type = (TypeElement) ((DeclaredType) returnType).asElement();
    String name = type.getQualifiedName().toString();
    for (KnownResponse known : values()) {
      if (known.qualifiedName.equals(name)) {
        Set<String> present = new HashSet<>();
        ElementFilter.methodsIn(elements.getAllMembers(type)).forEach(m -> present.add(m.getSimpleName().toString()));
        return present.containsAll(known.accessors) ? known : null;
      }
    }
    return null;
  }
}
