package dev.tracewright.processor.model;

import dev.tracewright.annotations.NoCapture;
import dev.tracewright.annotations.SpanKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Reads a validated type into a {@link TracedType}. */
public final class ModelReader {
  private final Elements elements;
  private final Types types;

  public ModelReader(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  public TracedType read(TypeElement type) {
    boolean isInterface = type.getKind() == ElementKind.INTERFACE;
    TracedType.Shape shape =
        isInterface
            ? TracedType.Shape.INTERFACE
            : type.getModifiers().contains(Modifier.ABSTRACT) ? TracedType.Shape.ABSTRACT_CLASS : TracedType.Shape.CLASS;
    List<ExecutableElement> constructors = new ArrayList<>();
    if (!isInterface) {
      for (ExecutableElement c : ElementFilter.constructorsIn(type.getEnclosedElements())) {
        if (!c.getModifiers().contains(Modifier.PRIVATE)) {
          constructors.add(c);
        }
      }
    }
    TypeMirror serializable = elements.getTypeElement(Serializable.class.getCanonicalName()).asType();
    return new TracedType(
        type,
        shape,
        elements.getPackageOf(type).getQualifiedName().toString(),
        generatedName(type),
        isPublicAllTheWay(type),
        types.isAssignable(type.asType(), serializable),
        constructors,
        methods(type, isInterface));
  }

  /** {@code Outer.Inner} gives {@code Outer_InnerTraced}. */
  static String generatedName(TypeElement type) {
    StringBuilder name = new StringBuilder(type.getSimpleName());
    Element e = type.getEnclosingElement();
    while (e instanceof TypeElement outer) {
      name.insert(0, outer.getSimpleName() + "_");
      e = outer.getEnclosingElement();
    }
    return name.append("Traced").toString();
  }

  private static boolean isPublicAllTheWay(TypeElement type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private List<TracedMethod> methods(TypeElement type, boolean isInterface) {
    SpanSpec typeSpan = SpanSpec.of(type);
    DeclaredType self = (DeclaredType) type.asType();
    List<TracedMethod> methods = new ArrayList<>();
    for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      TypeElement owner = (TypeElement) m.getEnclosingElement();
      if (m.getModifiers().contains(Modifier.STATIC)
          || m.getModifiers().contains(Modifier.PRIVATE)
          || owner.getQualifiedName().contentEquals("java.lang.Object")) {
        continue;
      }
      SpanSpec span = SpanSpec.of(m);
      if (span == null && typeSpan != null && owner.equals(type) && m.getModifiers().contains(Modifier.PUBLIC)) {
        // A name on the type prefixes its methods' names: @Agent(name = "planner") gives planner.plan.
        String name = typeSpan.name().isEmpty() ? "" : typeSpan.name() + "." + m.getSimpleName();
        span = new SpanSpec(typeSpan.annotation(), typeSpan.kind(), name, typeSpan.capture(), typeSpan.model(), typeSpan.provider(), typeSpan.description());
      }
      boolean overridable = !m.getModifiers().contains(Modifier.FINAL);
      if (isInterface) {
        // Everything not static is abstract or default: the delegating wrapper implements all of it.
        methods.add(method(self, m, span));
      } else if (overridable && !m.getModifiers().contains(Modifier.ABSTRACT)) {
        if (span != null) {
          methods.add(method(self, m, span));
        } else if (owner.equals(type) && ForeignAnnotations.present(m)) {
          // Forwarded so scanners of declared methods (the Spring AI community's MCP tool providers)
          // still find, say, an untraced @Tool on the wrapper.
          methods.add(method(self, m, null));
        }
      }
    }
    return methods;
  }

  private TracedMethod method(DeclaredType self, ExecutableElement m, SpanSpec span) {
    ExecutableType resolved = (ExecutableType) types.asMemberOf(self, m);
    List<Boolean> captured = new ArrayList<>();
    for (VariableElement p : m.getParameters()) {
      captured.add(p.getAnnotation(NoCapture.class) == null);
    }
    String spanName = span == null || span.name().isEmpty() ? m.getSimpleName().toString() : span.name();
    TracedMethod.ReturnShape shape = shape(resolved.getReturnType());
    KnownResponse response = span != null && span.kind() == SpanKind.LLM ? knownResponse(resolved.getReturnType(), shape) : null;
    return new TracedMethod(
        m, resolved, span, spanName, List.copyOf(captured), m.getAnnotation(NoCapture.class) == null, shape, response);
  }

  /** A known response returned as is, or as the value of a future ({@code CompletableFuture<ChatResponse>}). */
  private KnownResponse knownResponse(TypeMirror returnType, TracedMethod.ReturnShape shape) {
    return switch (shape) {
      case VALUE -> KnownResponse.of(returnType, elements);
      case FUTURE -> returnType instanceof DeclaredType future && future.getTypeArguments().size() == 1
          ? KnownResponse.of(future.getTypeArguments().get(0), elements)
          : null;
      case VOID -> null;
    };
  }

  private TracedMethod.ReturnShape shape(TypeMirror returnType) {
    if (returnType.getKind() == TypeKind.VOID) {
      return TracedMethod.ReturnShape.VOID;
    }
    TypeMirror stage = types.erasure(elements.getTypeElement(CompletionStage.class.getCanonicalName()).asType());
    return types.isAssignable(types.erasure(returnType), stage)
        ? TracedMethod.ReturnShape.FUTURE
        : TracedMethod.ReturnShape.VALUE;
  }

  /** Whether this is a local or anonymous class (which nothing outside can subclass). */
  public static boolean isLocal(TypeElement type) {
    return type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS;
  }
}
