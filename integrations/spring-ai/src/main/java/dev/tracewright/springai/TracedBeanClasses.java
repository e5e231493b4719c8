package dev.tracewright.springai;

import dev.tracewright.annotations.Agent;
import dev.tracewright.annotations.LlmCall;
import dev.tracewright.annotations.Retrieval;
import dev.tracewright.annotations.Step;
import java.lang.System.Logger.Level;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Makes Spring create a bean as its generated {@code *Traced} subclass: for every bean definition that
 * names a class (component scan, {@code @Import}, {@code registerBean(Class)}) whose
 * {@code <Simple>Traced} subclass exists, the definition's class becomes that subclass. It has the same
 * constructors and copies their annotations, so injection is unchanged; and because the traced
 * methods are overrides, calls a bean makes on itself are traced too (a Spring AOP proxy misses
 * those). Definitions created by a factory method ({@code @Bean}) or an instance supplier are left to
 * {@link TracedFactoryBeans}: Spring does not construct those objects, the user's code does.
 */
final class TracedBeanClasses implements BeanFactoryPostProcessor, Ordered {
  private static final System.Logger LOG = System.getLogger(TracedBeanClasses.class.getName());
  private static final String SPRING_AI_TOOL = "org.springframework.ai.tool.annotation.Tool";

  /** Spring AI tool names whose methods are traced overrides in a bean created as its {@code *Traced} subclass. */
  private final Set<String> tracedToolNames = ConcurrentHashMap.newKeySet();

  /**
   * Whether the Spring AI tool of this name runs as a traced method of one of this context's beans,
   * which records its own {@code TOOL} span.
   */
  boolean isTracedTool(String toolName) {
    return tracedToolNames.contains(toolName);
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) {
    ClassLoader loader = factory.getBeanClassLoader();
    boolean changed = false;
    for (String name : factory.getBeanDefinitionNames()) {
      BeanDefinition definition = factory.getBeanDefinition(name);
      String className = definition.getBeanClassName();
      if (className == null || definition.getFactoryMethodName() != null || definition.isAbstract()
          || (definition instanceof AbstractBeanDefinition d && d.getInstanceSupplier() != null)) {
        continue;
      }
      try {
        Class<?> type = ClassUtils.forName(className, loader);
        var traced = TracedClasses.tracedSubclass(type);
        if (traced.isPresent()) {
          definition.setBeanClassName(traced.get().getName());
          rememberTools(traced.get());
          changed = true;
          LOG.log(Level.DEBUG, "bean ''{0}'' is created as {1}", name, traced.get().getName());
        }
      } catch (ClassNotFoundException | LinkageError e) {
        // Spring will report an unloadable bean class itself, better than we can.
      }
    }
    if (changed) {
      factory.clearMetadataCache(); // merged definitions seen by earlier type lookups named the old class
    }
  }

  /**
   * The overrides the processor generated carry the original's annotations, Spring AI's {@code @Tool}
   * included. Only those that record a span count: an override that merely forwards (generated so
   * scanners of declared methods still find a {@code @Tool} the class does not trace) records
   * nothing, so Spring AI's tool observation must make that tool's span.
   */
  private void rememberTools(Class<?> traced) {
    for (Method method : traced.getDeclaredMethods()) {
      if (!Modifier.isPublic(method.getModifiers()) || method.isSynthetic() || method.isBridge()) {
        continue;
      }
      MergedAnnotation<?> tool = MergedAnnotations.from(method).get(SPRING_AI_TOOL);
      if (tool.isPresent() && recordsASpan(traced.getSuperclass(), method)) {
        String name = tool.getValue("name", String.class).orElse("");
        tracedToolNames.add(name.isEmpty() ? method.getName() : name);
      }
    }
  }

  /**
   * Whether the processor traces {@code override}'s original, by its own rule (ModelReader): a span
   * annotation on the method, or one on the class for the class's own public methods.
   */
  static boolean recordsASpan(Class<?> original, Method override) {
    Method method = ReflectionUtils.findMethod(original, override.getName(), override.getParameterTypes());
    if (method == null) {
      return false;
    }
    return hasSpanAnnotation(method)
        || (method.getDeclaringClass() == original && Modifier.isPublic(method.getModifiers()) && hasSpanAnnotation(original));
  }

  private static boolean hasSpanAnnotation(AnnotatedElement element) {
    return element.isAnnotationPresent(Agent.class)
        || element.isAnnotationPresent(dev.tracewright.annotations.Tool.class)
        || element.isAnnotationPresent(LlmCall.class)
        || element.isAnnotationPresent(Retrieval.class)
        || element.isAnnotationPresent(Step.class);
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // after configuration classes have registered every definition
  }
}
