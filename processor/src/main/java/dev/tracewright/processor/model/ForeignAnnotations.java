package dev.tracewright.processor.model;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Other libraries' runtime-retained annotations: the ones frameworks find by reflection
 * (LangChain4j and Spring AI {@code @Tool} with {@code @P}/{@code @ToolParam}, Jackson, Bean
 * Validation, {@code @Inject}), and so the ones an override must carry.
 */
public final class ForeignAnnotations {
  private static final String OURS = "dev.tracewright.annotations.";
  /** Ours would trace twice; these are invalid or meaningless on an override. */
  private static final Set<String> SKIPPED =
      Set.of("java.lang.Override", "java.lang.SafeVarargs", "java.lang.FunctionalInterface");

  private ForeignAnnotations() {}

  public static List<AnnotationMirror> on(Element element) {
    return element.getAnnotationMirrors().stream().filter(ForeignAnnotations::isForeignRuntime).map(m -> (AnnotationMirror) m).toList();
  }

  /** True if the method or one of its parameters carries such an annotation. */
  public static boolean present(javax.lang.model.element.ExecutableElement method) {
    return !on(method).isEmpty() || method.getParameters().stream().anyMatch(p -> !on(p).isEmpty());
  }

  private static boolean isForeignRuntime(AnnotationMirror mirror) {
    TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
    String name = type.getQualifiedName().toString();
    Retention retention = type.getAnnotation(Retention.class);
    return retention != null
        && retention.value() == RetentionPolicy.RUNTIME
        && !name.startsWith(OURS)
        && !SKIPPED.contains(name);
  }
}
