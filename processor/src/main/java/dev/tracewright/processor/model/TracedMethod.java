package dev.tracewright.processor.model;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeMirror;

/**
 * One method the wrapper overrides.
 *
 * @param element the method as declared (maybe in a supertype)
 * @param type its signature as a member of the traced type, type arguments resolved
 * @param span null for a method the interface wrapper only forwards
 * @param spanName the span's name: the annotation's, else the method's
 * @param capturedParameters one flag per parameter: false for {@code @NoCapture}
 * @param captureResult false for a {@code @NoCapture} method
 * @param response for an {@code LLM} span, the known framework response it returns (whose usage
 *     generated code reads), else null
 * @param replay how a replay reads the recorded value back, or null when it cannot answer the call
 */
public record TracedMethod(
    ExecutableElement element,
    ExecutableType type,
    SpanSpec span,
    String spanName,
    List<Boolean> capturedParameters,
    boolean captureResult,
    ReturnShape returns,
    KnownResponse response,
    Replay replay) {

  /**
   * What a replay needs, in types a static field can name.
   *
   * @param valueType the return type (a future's value type), boxed, type variables replaced by
   *     their erasure; null for {@code void}
   * @param checkedExceptions the declared checked exceptions, erased
   */
  public record Replay(TypeMirror valueType, List<TypeMirror> checkedExceptions) {}

  /** How the wrapper hands the result back. */
  public enum ReturnShape {
    VOID,
    VALUE,
    /** A {@code CompletionStage}: the span ends when it completes. */
    FUTURE
  }

  public boolean traced() {
    return span != null;
  }

  public String methodName() {
    return element.getSimpleName().toString();
  }
}
