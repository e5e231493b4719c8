package dev.tracewright.processor.model;

import dev.tracewright.annotations.Agent;
import dev.tracewright.annotations.CapturePolicy;
import dev.tracewright.annotations.LlmCall;
import dev.tracewright.annotations.Retrieval;
import dev.tracewright.annotations.SpanKind;
import dev.tracewright.annotations.Step;
import dev.tracewright.annotations.Tool;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * What one span annotation says, read from an element.
 *
 * @param annotation the annotation's simple name with its {@code @}, for messages
 * @param name the span name, empty for "the method's name"
 */
public record SpanSpec(
    String annotation, SpanKind kind, String name, CapturePolicy capture, String model, String provider, String description) {

  /** The annotations that make a span, in the order their kinds are listed. */
  public static final List<Class<? extends Annotation>> ANNOTATIONS =
      List.of(Agent.class, Tool.class, LlmCall.class, Retrieval.class, Step.class);

  public static final Set<String> ANNOTATION_NAMES =
      Set.of(Agent.class.getCanonicalName(), Tool.class.getCanonicalName(), LlmCall.class.getCanonicalName(),
          Retrieval.class.getCanonicalName(), Step.class.getCanonicalName());

  /** The span annotations present on an element (more than one is a user error). */
  public static List<AnnotationMirror> mirrorsOn(Element element) {
    List<AnnotationMirror> found = new ArrayList<>();
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (ANNOTATION_NAMES.contains(type.getQualifiedName().toString())) {
        found.add(mirror);
      }
    }
    return found;
  }

  /** The first span annotation on the element, or null. */
  public static SpanSpec of(Element element) {
    Agent agent = element.getAnnotation(Agent.class);
    if (agent != null) {
      return new SpanSpec("@Agent", SpanKind.AGENT, agent.name(), agent.capture(), "", "", "");
    }
    Tool tool = element.getAnnotation(Tool.class);
    if (tool != null) {
      return new SpanSpec("@Tool", SpanKind.TOOL, tool.name(), tool.capture(), "", "", tool.description());
    }
    LlmCall llm = element.getAnnotation(LlmCall.class);
    if (llm != null) {
      return new SpanSpec("@LlmCall", SpanKind.LLM, llm.name(), llm.capture(), llm.model(), llm.provider(), "");
    }
    Retrieval retrieval = element.getAnnotation(Retrieval.class);
    if (retrieval != null) {
      return new SpanSpec("@Retrieval", SpanKind.RETRIEVAL, retrieval.name(), retrieval.capture(), "", "", "");
    }
    Step step = element.getAnnotation(Step.class);
    if (step != null) {
      return new SpanSpec("@Step", step.kind(), step.name(), step.capture(), "", "", "");
    }
    return null;
  }

  /** Simple name with {@code @} of a mirror, for messages. */
  public static String display(AnnotationMirror mirror) {
    return "@" + mirror.getAnnotationType().asElement().getSimpleName();
  }
}
