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
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
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
        m, resolved, span, spanName, List.copyOf(captured), m.getAnnotation(NoCapture.class) == null, shape, response,
        span == null ? null : replay(resolved, shape));
  }

  /**
   * The replay description: the type to read a recorded value into, or null when a replay cannot
   * answer (a future type other than {@code CompletableFuture}/{@code CompletionStage}, which a
   * replay could not build).
   */
  private TracedMethod.Replay replay(ExecutableType method, TracedMethod.ReturnShape shape) {
    TypeMirror valueType;
    switch (shape) {
      case VOID -> valueType = null;
      case VALUE -> valueType = nameable(method.getReturnType());
      default -> {
        DeclaredType future = (DeclaredType) method.getReturnType();
        String name = ((TypeElement) future.asElement()).getQualifiedName().toString();
        if (!name.equals("java.util.concurrent.CompletableFuture") && !name.equals("java.util.concurrent.CompletionStage")) {
          return null;
        }
        valueType = future.getTypeArguments().isEmpty() ? objectType() : valueOf(future.getTypeArguments().get(0));
      }
    }
    TypeMirror runtimeException = elements.getTypeElement(RuntimeException.class.getCanonicalName()).asType();
    TypeMirror error = elements.getTypeElement(Error.class.getCanonicalName()).asType();
    List<TypeMirror> checked = new ArrayList<>();
    for (TypeMirror thrown : method.getThrownTypes()) {
      TypeMirror erased = types.erasure(thrown);
      if (!types.isSubtype(erased, runtimeException) && !types.isSubtype(erased, error)) {
        checked.add(erased);
      }
    }
    return new TracedMethod.Replay(valueType, List.copyOf(checked));
  }

  /** A future's type argument as a value type: {@code ? extends X} is X, {@code ?} is Object. */
  private TypeMirror valueOf(TypeMirror argument) {
    if (argument instanceof WildcardType w) {
      return w.getExtendsBound() == null ? objectType() : nameable(w.getExtendsBound());
    }
    return nameable(argument);
  }

  private TypeMirror objectType() {
    return elements.getTypeElement(Object.class.getCanonicalName()).asType();
  }

  /**
   * The type as a static field can write it in a type argument: boxed, every type variable replaced
   * by its erasure (a static field cannot name the class's or method's type variables), raw types
   * given wildcards.
   */
  private TypeMirror nameable(TypeMirror type) {
    return switch (type.getKind()) {
      case BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE -> types.boxedClass((PrimitiveType) type).asType();
      case TYPEVAR, INTERSECTION -> nameable(types.erasure(type)); // the erasure of <T extends Comparable<T>> is raw: Comparable<?>
      case ARRAY -> types.getArrayType(component(((ArrayType) type).getComponentType()));
      case DECLARED -> declared((DeclaredType) type);
      default -> types.erasure(type);
    };
  }

  /** An array's component: primitives stay primitive ({@code int[]}). */
  private TypeMirror component(TypeMirror type) {
    return type.getKind().isPrimitive() ? type : nameable(type);
  }

  private TypeMirror declared(DeclaredType type) {
    TypeElement element = (TypeElement) type.asElement();
    List<? extends TypeMirror> args = type.getTypeArguments();
    int expected = element.getTypeParameters().size();
    TypeMirror enclosing = type.getEnclosingType();
    boolean genericOuter = enclosing instanceof DeclaredType outer && !outer.getTypeArguments().isEmpty();
    if (genericOuter) {
      return types.erasure(type); // Outer<T>.Inner: erased, as such members are rare in return types
    }
    if (expected == 0) {
      return type;
    }
    TypeMirror[] mapped = new TypeMirror[expected];
    for (int i = 0; i < expected; i++) {
      mapped[i] = args.isEmpty() ? types.getWildcardType(null, null) : argument(args.get(i)); // raw: List<?>
    }
    return types.getDeclaredType(element, mapped);
  }

  private TypeMirror argument(TypeMirror arg) {
    if (arg instanceof WildcardType w) {
      if (w.getExtendsBound() != null) {
        return types.getWildcardType(nameable(w.getExtendsBound()), null);
      }
      if (w.getSuperBound() != null) {
        return types.getWildcardType(null, nameable(w.getSuperBound()));
      }
      return w;
    }
    return nameable(arg);
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
