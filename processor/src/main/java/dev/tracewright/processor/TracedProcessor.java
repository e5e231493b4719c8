package dev.tracewright.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.tracewright.annotations.NoCapture;
import dev.tracewright.processor.generation.TracedClassGenerator;
import dev.tracewright.processor.model.ModelReader;
import dev.tracewright.processor.model.SpanSpec;
import dev.tracewright.processor.validation.ErrorReporter;
import dev.tracewright.processor.validation.Messages;
import dev.tracewright.processor.validation.Validator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.annotation.Annotation;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Generates a {@code *Traced} wrapper for every type that carries, or has methods that carry,
 * {@code @Agent}, {@code @Tool}, {@code @LlmCall}, {@code @Retrieval} or {@code @Step}.
 *
 * <p>Per type, in phases: validate (report every problem, then stop for this type), read the
 * model, write one source file whose only originating element is that type (so the processor is
 * isolating for incremental builds). A type whose signatures mention a type not generated yet is
 * deferred to the next round.
 */
@AutoService(Processor.class)
public final class TracedProcessor extends AbstractProcessor {
  private final Set<String> deferred = new LinkedHashSet<>();

  private static final String GENERATED = "javax.annotation.processing.Generated";

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    Set<String> names = new LinkedHashSet<>(SpanSpec.ANNOTATION_NAMES);
    names.add(NoCapture.class.getCanonicalName()); // read from traced methods; claimed here
    names.add(GENERATED); // to claim it on our own output; see process()
    return names;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Set<TypeElement> types = new LinkedHashSet<>();
    for (String name : deferred) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        types.add(type);
      }
    }
    deferred.clear();
    for (Class<? extends Annotation> annotation : SpanSpec.ANNOTATIONS) {
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        if (e instanceof TypeElement type) {
          types.add(type);
        } else if (e instanceof ExecutableElement && e.getEnclosingElement() instanceof TypeElement owner) {
          types.add(owner);
        }
      }
    }
    for (TypeElement type : types) {
      if (!round.processingOver() && mentionsUnresolvedType(type)) {
        deferred.add(type.getQualifiedName().toString());
        continue;
      }
      processType(type);
    }
    // Claim our annotations, and @Generated when it is only on our wrappers: left unclaimed,
    // javac's -Xlint:processing warns "No processor claimed any of these annotations", which fails
    // a user's -Xlint:all -Werror build. Someone else's @Generated code is left to them.
    return onlyOurGeneratedCode(round);
  }

  private void processType(TypeElement type) {
    try {
      ErrorReporter errors = new ErrorReporter(processingEnv.getMessager());
      if (!new Validator(errors).validate(type)) {
        return;
      }
      JavaFile file =
          new TracedClassGenerator(getClass().getCanonicalName())
              .generate(new ModelReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils()).read(type));
      file.writeTo(processingEnv.getFiler());
    } catch (IOException | RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, Messages.format(Messages.UNEXPECTED, trace), type);
    }
  }

  private boolean onlyOurGeneratedCode(RoundEnvironment round) {
    TypeElement generated = processingEnv.getElementUtils().getTypeElement(GENERATED);
    if (generated == null) {
      return true;
    }
    String ours = getClass().getCanonicalName();
    for (Element e : round.getElementsAnnotatedWith(generated)) {
      boolean byUs =
          e.getAnnotationMirrors().stream()
              .filter(a -> a.getAnnotationType().asElement().equals(generated))
              .flatMap(a -> a.getElementValues().values().stream())
              .anyMatch(v -> v.toString().contains(ours));
      if (!byUs) {
        return false;
      }
    }
    return true;
  }

  /** True when a traced signature refers to a type javac has not seen yet (generated later). */
  private static boolean mentionsUnresolvedType(TypeElement type) {
    if (type.getSuperclass().getKind() == TypeKind.ERROR) {
      return true;
    }
    for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (isError(m.getReturnType()) || m.getThrownTypes().stream().anyMatch(TracedProcessor::isError)) {
        return true;
      }
      for (VariableElement p : m.getParameters()) {
        if (isError(p.asType())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isError(TypeMirror type) {
    return type.getKind() == TypeKind.ERROR;
  }
}
