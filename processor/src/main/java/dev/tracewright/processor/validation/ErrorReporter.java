package dev.tracewright.processor.validation;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/** Reports errors on elements and counts them, so one pass shows the user every problem at once. */
public final class ErrorReporter {
  private final Messager messager;
  private int errors;

  public ErrorReporter(Messager messager) {
    this.messager = messager;
  }

  public void error(Element element, String message) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message, element);
  }

  /** Points at the annotation itself when the annotation is what is wrong. */
  public void error(Element element, AnnotationMirror annotation, String message) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation);
  }

  public int errorCount() {
    return errors;
  }
}
