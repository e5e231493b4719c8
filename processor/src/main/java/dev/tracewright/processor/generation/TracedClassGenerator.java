package dev.tracewright.processor.generation;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.processor.model.KnownResponse;
import dev.tracewright.processor.model.TracedMethod;
import dev.tracewright.processor.model.TracedType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;

/**
 * Writes the {@code *Traced} source for one {@link TracedType}. The output is meant to be read and
 * stepped through: one static {@code Site} per traced method, and each override is the same short
 * begin / capture / call / return-or-throw sequence around the original call.
 */
public final class TracedClassGenerator {
  static final ClassName TRACED_CALL = ClassName.get("dev.tracewright.runtime", "TracedCall");
  static final ClassName SITE = TRACED_CALL.nestedClass("Site");
  static final ClassName RETURN_TYPE = ClassName.get("dev.tracewright.runtime.replay", "ReturnType");
  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  private static final String DELEGATE = "delegate";

  private final String processorName;

  public TracedClassGenerator(String processorName) {
    this.processorName = processorName;
  }

  public JavaFile generate(TracedType type) {
    List<TypeVariableName> typeVariables = new ArrayList<>();
    for (TypeParameterElement p : type.element().getTypeParameters()) {
      typeVariables.add(TypeVariableName.get(p));
    }
    ClassName userClass = ClassName.get(type.element());
    TypeName userType =
        typeVariables.isEmpty() ? userClass : ParameterizedTypeName.get(userClass, typeVariables.toArray(TypeName[]::new));
    ClassName wrapperClass = ClassName.get(type.packageName(), type.generatedName());
    TypeName wrapperType =
        typeVariables.isEmpty() ? wrapperClass : ParameterizedTypeName.get(wrapperClass, typeVariables.toArray(TypeName[]::new));

    TypeSpec.Builder spec =
        TypeSpec.classBuilder(wrapperClass)
            .addOriginatingElement(type.element())
            .addAnnotation(AnnotationSpec.builder(GENERATED).addMember("value", "$S", processorName).build())
            .addAnnotations(Annotations.deprecation(type.element()))
            .addTypeVariables(typeVariables)
            .addJavadoc(
                type.shape() == TracedType.Shape.INTERFACE
                    ? "Records every traced call of the wrapped {@link $T} as a span; use {@code wrap(impl)}.\n"
                    : "{@link $T} whose traced methods record a span per call; use it wherever the original is created.\n",
                userClass);
    if (type.isPublic()) {
      spec.addModifiers(Modifier.PUBLIC);
    }
    if (type.shape() == TracedType.Shape.ABSTRACT_CLASS) {
      spec.addModifiers(Modifier.ABSTRACT);
    }
    if (type.serializable()) {
      spec.addField(
          FieldSpec.builder(long.class, "serialVersionUID", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .initializer("1L")
              .build());
    }

    boolean isInterface = type.shape() == TracedType.Shape.INTERFACE;
    if (isInterface) {
      spec.addSuperinterface(userType);
      addDelegation(spec, userType, wrapperType, typeVariables);
    } else {
      spec.superclass(userType);
      type.constructors().forEach(c -> spec.addMethod(constructor(c)));
    }

    Set<String> taken = reservedNames(type);
    Map<KnownResponse, String> usageReaders = new EnumMap<>(KnownResponse.class);
    for (TracedMethod method : type.methods()) {
      if (method.traced()) {
        String site = uniqueConstant(method.methodName(), taken);
        spec.addField(siteField(site, userClass, method));
        String reader = null;
        if (method.response() != null) {
          reader = usageReaders.computeIfAbsent(method.response(), r -> {
            String name = uniqueConstant(UsageReaders.stem(r), taken);
            spec.addField(UsageReaders.field(r, name));
            return name;
          });
        }
        spec.addMethod(tracedOverride(method, site, reader, isInterface));
      } else {
        spec.addMethod(forwardingOverride(method, isInterface));
      }
    }
    return JavaFile.builder(type.packageName(), spec.build()).skipJavaLangImports(true).indent("  ").build();
  }

  private static void addDelegation(
      TypeSpec.Builder spec, TypeName userType, TypeName wrapperType, List<TypeVariableName> typeVariables) {
    spec.addField(FieldSpec.builder(userType, DELEGATE, Modifier.PRIVATE, Modifier.FINAL).build());
    spec.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addParameter(userType, DELEGATE)
            .addStatement("this.$N = $T.requireNonNull($N, $S)", DELEGATE, Objects.class, DELEGATE, DELEGATE)
            .build());
    spec.addMethod(
        MethodSpec.methodBuilder("wrap")
            .addJavadoc("Wraps {@code $N}: every traced call through the result is recorded.\n", DELEGATE)
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addTypeVariables(typeVariables)
            .returns(wrapperType)
            .addParameter(userType, DELEGATE)
            .addStatement(typeVariables.isEmpty() ? "return new $T($N)" : "return new $T<>($N)", rawType(wrapperType), DELEGATE)
            .build());
  }

  private static TypeName rawType(TypeName type) {
    return type instanceof ParameterizedTypeName p ? p.rawType() : type;
  }

  private static MethodSpec constructor(ExecutableElement c) {
    MethodSpec.Builder b = MethodSpec.constructorBuilder().addAnnotations(Annotations.runtimeRetained(c));
    visibility(c, b);
    for (TypeParameterElement p : c.getTypeParameters()) {
      b.addTypeVariable(TypeVariableName.get(p));
    }
    List<String> args = new ArrayList<>();
    for (VariableElement p : c.getParameters()) {
      b.addParameter(parameter(TypeName.get(p.asType()), p));
      args.add(p.getSimpleName().toString());
    }
    b.varargs(c.isVarArgs());
    c.getThrownTypes().forEach(t -> b.addException(TypeName.get(t)));
    return b.addStatement("super($L)", String.join(", ", args)).build();
  }

  private static FieldSpec siteField(String name, ClassName userClass, TracedMethod m) {
    CodeBlock.Builder init =
        CodeBlock.builder()
            .add("$T.site($T.class, $S, $T.$L, $S)", TRACED_CALL, userClass, m.methodName(), SpanKind.class, m.span().kind(), m.spanName());
    List<String> captured = new ArrayList<>();
    List<? extends VariableElement> params = m.element().getParameters();
    for (int i = 0; i < params.size(); i++) {
      if (m.capturedParameters().get(i)) {
        captured.add(params.get(i).getSimpleName().toString());
      }
    }
    init.indent().indent();
    if (!captured.isEmpty()) {
      CodeBlock names = captured.stream().map(n -> CodeBlock.of("$S", n)).collect(CodeBlock.joining(", "));
      init.add("\n.parameters($L)", names);
    }
    if (m.span().capture() != CapturePolicy.DEFAULT) {
      init.add("\n.capture($T.$L)", CapturePolicy.class, m.span().capture());
    }
    if (!m.span().model().isEmpty()) {
      init.add("\n.model($S)", m.span().model());
    }
    if (!m.span().provider().isEmpty()) {
      init.add("\n.provider($S)", m.span().provider());
    }
    if (!m.span().description().isEmpty()) {
      init.add("\n.attribute($S, $S)", "gen_ai.tool.description", m.span().description());
    }
    if (!m.captureResult() && m.returns() != TracedMethod.ReturnShape.VOID) {
      init.add("\n.noResultCapture()");
    }
    addReplay(init, m);
    init.unindent().unindent();
    return FieldSpec.builder(SITE, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL).initializer(init.build()).build();
  }

  /** How a replay answers the call: {@code .returns(new ReturnType<List<Hit>>() {})} and declared checked exceptions. */
  private static void addReplay(CodeBlock.Builder init, TracedMethod m) {
    TracedMethod.Replay replay = m.replay();
    if (replay == null) {
      return;
    }
    switch (m.returns()) {
      case VOID -> init.add("\n.returnsVoid()");
      case VALUE -> init.add("\n.returns(new $T() {})", ParameterizedTypeName.get(RETURN_TYPE, TypeName.get(replay.valueType())));
      case FUTURE -> init.add("\n.returnsFuture(new $T() {})", ParameterizedTypeName.get(RETURN_TYPE, TypeName.get(replay.valueType())));
    }
    if (!replay.checkedExceptions().isEmpty()) {
      CodeBlock classes = replay.checkedExceptions().stream().map(t -> CodeBlock.of("$T.class", TypeName.get(t))).collect(CodeBlock.joining(", "));
      init.add("\n.throwing($L)", classes);
    }
  }

  /** @param usageReader the constant reading the result's usage, or null */
  private static MethodSpec tracedOverride(TracedMethod m, String site, String usageReader, boolean isInterface) {
    MethodSpec.Builder b = signature(m, isInterface);
    NameAllocator names = new NameAllocator();
    m.element().getParameters().forEach(p -> names.newName(p.getSimpleName().toString()));
    String call = names.newName("call");
    String error = names.newName("e");
    CodeBlock target = target(m, isInterface);

    b.addStatement("$T $N = $N.begin()", TRACED_CALL, call, site);
    CodeBlock captured = capturedArguments(m);
    if (!captured.isEmpty()) {
      b.beginControlFlow("if ($N.capturesInput())", call).addStatement("$N.input($L)", call, captured).endControlFlow();
    }
    b.beginControlFlow("try");
    if (m.replay() != null) {
      b.beginControlFlow("if ($N.replaying())", call);
      if (m.returns() == TracedMethod.ReturnShape.VOID) {
        b.addStatement("$N.replayed()", call).addStatement("return");
      } else {
        b.addStatement("return $N.replayed()", call);
      }
      b.endControlFlow();
    }
    switch (m.returns()) {
      case VOID -> b.addStatement("$L", target).addStatement("$N.returned()", call);
      case FUTURE -> {
        if (usageReader == null) {
          b.addStatement("return $N.returnedFuture($L)", call, target);
        } else {
          b.addStatement("return $N.returnedFuture($L, $N)", call, target, usageReader);
        }
      }
      case VALUE -> {
        if (usageReader == null) {
          b.addStatement("return $N.returned($L)", call, target);
        } else {
          b.addStatement("return $N.returned($L, $N)", call, target, usageReader);
        }
      }
    }
    // Precise rethrow: `e` is effectively final, so only what the original throws is declared.
    b.nextControlFlow("catch ($T $N)", Throwable.class, error)
        .addStatement("$N.threw($N)", call, error)
        .addStatement("throw $N", error)
        .endControlFlow();
    return b.build();
  }

  private static MethodSpec forwardingOverride(TracedMethod m, boolean isInterface) {
    MethodSpec.Builder b = signature(m, isInterface);
    CodeBlock target = target(m, isInterface);
    if (m.returns() == TracedMethod.ReturnShape.VOID) {
      b.addStatement("$L", target);
    } else {
      b.addStatement("return $L", target);
    }
    return b.build();
  }

  /** {@code super.m(a, b)} or {@code delegate.m(a, b)}. */
  private static CodeBlock target(TracedMethod m, boolean isInterface) {
    List<String> args = new ArrayList<>();
    m.element().getParameters().forEach(p -> args.add(p.getSimpleName().toString()));
    String receiver = !isInterface ? "super" : args.contains(DELEGATE) ? "this." + DELEGATE : DELEGATE;
    return CodeBlock.of("$L.$N($L)", receiver, m.methodName(), String.join(", ", args));
  }

  /**
   * The arguments for {@code input(Object...)}. A lone array argument is cast to Object, or Java
   * would pass it as the varargs array itself.
   */
  private static CodeBlock capturedArguments(TracedMethod m) {
    List<CodeBlock> args = new ArrayList<>();
    List<? extends VariableElement> params = m.element().getParameters();
    for (int i = 0; i < params.size(); i++) {
      if (m.capturedParameters().get(i)) {
        args.add(CodeBlock.of("$N", params.get(i).getSimpleName().toString()));
      }
    }
    if (args.size() == 1) {
      int only = m.capturedParameters().indexOf(true);
      if (m.type().getParameterTypes().get(only).getKind() == TypeKind.ARRAY) {
        return CodeBlock.of("($T) $L", Object.class, args.get(0));
      }
    }
    return CodeBlock.join(args, ", ");
  }

  /** The override's declaration: the original's as a member of the wrapped type, with its annotations. */
  private static MethodSpec.Builder signature(TracedMethod m, boolean isInterface) {
    ExecutableElement e = m.element();
    MethodSpec.Builder b =
        MethodSpec.methodBuilder(m.methodName()).addAnnotation(Override.class).addAnnotations(Annotations.runtimeRetained(e));
    if (isInterface) {
      b.addModifiers(Modifier.PUBLIC);
    } else {
      visibility(e, b);
    }
    for (TypeParameterElement p : e.getTypeParameters()) {
      b.addTypeVariable(TypeVariableName.get((TypeVariable) p.asType()));
    }
    b.returns(TypeName.get(m.type().getReturnType()));
    List<? extends TypeMirror> types = m.type().getParameterTypes();
    for (int i = 0; i < types.size(); i++) {
      b.addParameter(parameter(TypeName.get(types.get(i)), e.getParameters().get(i)));
    }
    b.varargs(e.isVarArgs());
    m.type().getThrownTypes().forEach(t -> b.addException(TypeName.get(t)));
    return b;
  }

  private static ParameterSpec parameter(TypeName type, VariableElement p) {
    return ParameterSpec.builder(type, p.getSimpleName().toString()).addAnnotations(Annotations.runtimeRetained(p)).build();
  }

  private static void visibility(ExecutableElement e, MethodSpec.Builder b) {
    if (e.getModifiers().contains(Modifier.PUBLIC)) {
      b.addModifiers(Modifier.PUBLIC);
    } else if (e.getModifiers().contains(Modifier.PROTECTED)) {
      b.addModifiers(Modifier.PROTECTED);
    }
  }

  /** Names user code could mean inside the wrapper: a constant must not shadow a parameter. */
  private static Set<String> reservedNames(TracedType type) {
    Set<String> names = new HashSet<>();
    names.add("serialVersionUID");
    names.add(DELEGATE);
    type.methods().forEach(m -> m.element().getParameters().forEach(p -> names.add(p.getSimpleName().toString())));
    return names;
  }

  /** {@code searchWeb} gives {@code SEARCH_WEB}; an overload gets {@code SEARCH_WEB_2}. */
  static String uniqueConstant(String methodName, Set<String> taken) {
    String base = methodName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    String name = base;
    for (int i = 2; !taken.add(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }
}
