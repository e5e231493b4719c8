package dev.tracewright.processor.model;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A type to wrap and everything the generator needs to know about it.
 *
 * @param generatedName simple name of the wrapper: {@code Outer_InnerTraced} for a nested type
 * @param isPublic the wrapper is public (the type and every type enclosing it are)
 * @param constructors the class's non-private constructors (none for an interface)
 * @param methods overridden methods: traced ones, and for an interface the forwarded rest too
 */
public record TracedType(
    TypeElement element,
    Shape shape,
    String packageName,
    String generatedName,
    boolean isPublic,
    boolean serializable,
    List<ExecutableElement> constructors,
    List<TracedMethod> methods) {

  public enum Shape {
    CLASS,
    ABSTRACT_CLASS,
    /** Wrapped by delegation: {@code new FooTraced(delegate)}. */
    INTERFACE
  }
}
