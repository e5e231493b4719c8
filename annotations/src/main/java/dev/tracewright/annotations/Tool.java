package dev.tracewright.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a tool the agent can call: recorded as a span of kind {@link SpanKind#TOOL}.
 *
 * <p>On a method, that method is traced. On a type, every public non-static method declared in the
 * type is traced; a method's own span annotation wins. The processor generates {@code <Type>Traced};
 * only instances of that generated type are traced.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Tool {
  /** Span name; empty means the method name. On a type: a prefix, so {@code name = "planner"} names {@code plan()} {@code planner.plan}. */
  String name() default "";

  /** What the tool does; stored as the span attribute {@code gen_ai.tool.description}. */
  String description() default "";

  /** Capture policy for this span; {@link CapturePolicy#DEFAULT} inherits the runtime's. */
  CapturePolicy capture() default CapturePolicy.DEFAULT;
}
