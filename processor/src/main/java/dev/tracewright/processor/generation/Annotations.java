package dev.tracewright.processor.generation;

import com.palantir.javapoet.AnnotationSpec;
import dev.tracewright.processor.model.ForeignAnnotations;
import java.util.List;
import javax.lang.model.element.Element;

/**
 * Which of the user's annotations the wrapper carries. Frameworks that find methods by reflection
 * see only the annotations on the override itself; scanners of declared methods only (the Spring AI
 * community's MCP tool providers call getClass().getDeclaredMethods()) lose the tool without the copy.
 */
final class Annotations {
  private Annotations() {}

  /**
   * For the wrapper class: only {@code @Deprecated} (extending a deprecated class warns otherwise).
   * Class-level annotations such as Spring's {@code @Component} are not copied: that would register
   * the type twice.
   */
  static List<AnnotationSpec> deprecation(Element element) {
    return element.getAnnotationMirrors().stream()
        .filter(m -> m.getAnnotationType().toString().equals("java.lang.Deprecated"))
        .map(AnnotationSpec::get)
        .toList();
  }

  /** For overrides, constructors and their parameters. */
  static List<AnnotationSpec> runtimeRetained(Element element) {
    return ForeignAnnotations.on(element).stream().map(AnnotationSpec::get).toList();
  }
}
