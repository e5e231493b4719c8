package dev.tracewright.springai;

import java.lang.System.Logger.Level;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

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

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // after configuration classes have registered every definition
  }
}
