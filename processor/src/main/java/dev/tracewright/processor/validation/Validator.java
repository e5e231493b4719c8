package dev.tracewright.processor.validation;

import dev.tracewright.processor.model.ModelReader;
import dev.tracewright.processor.model.SpanSpec;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Checks one type against the rules a wrapper needs, reporting every violation on the element at
 * fault. {@link #validate} returns false when anything was reported: then nothing is generated,
 * since code that cannot compile would only bury the real message.
 */
public final class Validator {
  private final ErrorReporter errors;

  public Validator(ErrorReporter errors) {
    this.errors = errors;
  }

  public boolean validate(TypeElement type) {
    int before = errors.errorCount();
    String label = label(type);
    switch (type.getKind()) {
      case RECORD -> errors.error(type, Messages.format(Messages.RECORD, label));
      case ENUM -> errors.error(type, Messages.format(Messages.ENUM, label));
      case ANNOTATION_TYPE -> errors.error(type, Messages.format(Messages.ANNOTATION_TYPE, label));
      case CLASS -> validateClass(type, label);
      default -> {}
    }
    if (ModelReader.isLocal(type)) {
      errors.error(type, Messages.format(Messages.LOCAL_CLASS, label));
    } else if (isPrivateAnywhere(type)) {
      errors.error(type, Messages.format(Messages.PRIVATE_TYPE, label));
    }
    validateMethods(type);
    return errors.errorCount() == before;
  }

  private void validateClass(TypeElement type, String label) {
    if (type.getModifiers().contains(Modifier.FINAL)) {
      errors.error(type, Messages.format(Messages.FINAL_CLASS, label));
    }
    if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
      errors.error(type, Messages.format(Messages.INNER_CLASS, label));
    }
    boolean accessibleConstructor =
        ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
            .anyMatch(c -> !c.getModifiers().contains(Modifier.PRIVATE));
    if (!accessibleConstructor) {
      errors.error(type, Messages.format(Messages.NO_ACCESSIBLE_CONSTRUCTOR, label));
    }
  }

  private void validateMethods(TypeElement type) {
    SpanSpec typeSpan = SpanSpec.of(type);
    boolean isClass = type.getKind() == ElementKind.CLASS;
    for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
      List<AnnotationMirror> own = SpanSpec.mirrorsOn(m);
      if (own.size() > 1) {
        String names = own.stream().map(SpanSpec::display).collect(Collectors.joining(" and "));
        errors.error(m, own.get(1), Messages.format(Messages.TWO_SPAN_ANNOTATIONS, names));
      }
      if (!own.isEmpty()) {
        String label = SpanSpec.display(own.get(0));
        if (m.getModifiers().contains(Modifier.PRIVATE)) {
          errors.error(m, Messages.format(Messages.PRIVATE_METHOD, label));
        }
        if (m.getModifiers().contains(Modifier.STATIC)) {
          errors.error(m, Messages.format(Messages.STATIC_METHOD, label));
        }
        if (m.getModifiers().contains(Modifier.FINAL)) {
          errors.error(m, Messages.format(Messages.FINAL_METHOD, label));
        }
      } else if (isClass
          && typeSpan != null
          && m.getModifiers().contains(Modifier.PUBLIC)
          && m.getModifiers().contains(Modifier.FINAL)
          && !m.getModifiers().contains(Modifier.STATIC)) {
        errors.error(m, Messages.format(Messages.FINAL_METHOD_BY_TYPE, typeSpan.annotation()));
      }
    }
  }

  private static boolean isPrivateAnywhere(TypeElement type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return true;
      }
    }
    return false;
  }

  /** The annotation to name in messages about the type: its own, or that of its first traced method. */
  private static String label(TypeElement type) {
    List<AnnotationMirror> own = SpanSpec.mirrorsOn(type);
    if (!own.isEmpty()) {
      return SpanSpec.display(own.get(0));
    }
    for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
      List<AnnotationMirror> onMethod = SpanSpec.mirrorsOn(m);
      if (!onMethod.isEmpty()) {
        return SpanSpec.display(onMethod.get(0));
      }
    }
    return "@Agent";
  }
}
