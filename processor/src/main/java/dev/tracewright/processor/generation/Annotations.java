package dev.tracewright.processor.generation;

import com.palantir.javapoet.AnnotationSpec;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Which of the user's annotations the wrapper carries over. Frameworks that find methods by
 * reflection (LangChain4j and Spring AI {@code @Tool} with {@code @P}/{@code @ToolParam}, Jackson,
 * Bean Validation, {@code @Inject}) only see runtime-retained annotations on the override itself;
 * without the copy LangChain4j silently loses the tool.
 */
final class Annotations {
  private static final String OURS = "dev.tracewright.annotations.";
  /** Not copied: ours would trace twice in a subclass; these are invalid or meaningless on the copy. */
  private static final Set<String> SKIPPED =
      Set.of("java.lang.Override", "java.lang.SafeVarargs", "java.lang.FunctionalInterface");

  private Annotations() {}

  /**
   * For the wrapper class: only {@code @Deprecated} (extending a deprecated class warns otherwise).
   * Class-level annotations such as Spring's {@code @Component} are not copied: that would register
   * the type twice.
   */
  static List<AnnotationSpec> deprecation(Element element) {
    List<AnnotationSpec> copies = new ArrayList<>();
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals("java.lang.Deprecated")) {
        copies.add(AnnotationSpec.get(mirror));
      }
    }
    return copies;
  }

  static List<AnnotationSpec> runtimeRetained(Element element) {
    List<AnnotationSpec> copies = new ArrayList<>();
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      String name = type.getQualifiedName().toString();
      Retention retention = type.getAnnotation(Retention.class);
      boolean runtime = retention != null && retention.value() == RetentionPolicy.RUNTIME;
      if (runtime && !name.startsWith(OURS) && !SKIPPED.contains(name)) {
        copies.add(AnnotationSpec.get(mirror));
      }
    }
    return copies;
  }
}
