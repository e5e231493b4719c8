package dev.tracewright.springai;

import java.lang.System.Logger.Level;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;

/**
 * Beans that the user's own code constructs ({@code @Bean} methods, instance suppliers). Spring cannot
 * create those as a {@code *Traced} subclass, so:
 * <ul>
 *   <li>when the factory method is declared to return an interface with a generated wrapper, the bean
 *       is wrapped in it ({@code new SearchToolTraced(bean)}); everyone sees it through that interface;
 *   <li>when the object is exactly a class with a generated subclass, nothing can honestly replace an
 *       object the user built (its constructor arguments and state are theirs), so the bean stays
 *       untraced and one warning names it and says to return {@code new XTraced(...)} instead.
 * </ul>
 */
final class TracedFactoryBeans implements BeanPostProcessor, BeanFactoryAware, Ordered {
  private static final System.Logger LOG = System.getLogger(TracedFactoryBeans.class.getName());

  private ConfigurableListableBeanFactory factory;
  private final List<String> untraced = new CopyOnWriteArrayList<>();

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    if (beanFactory instanceof ConfigurableListableBeanFactory f) {
      this.factory = f;
    }
  }

  /** Names of beans left untraced because user code constructed a class that has a {@code *Traced} subclass. */
  List<String> untracedBeans() {
    return List.copyOf(untraced);
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String name) throws BeansException {
    if (factory == null || !factory.containsBeanDefinition(name)) {
      return bean;
    }
    try {
      BeanDefinition definition = factory.getMergedBeanDefinition(name);
      if (definition.getFactoryMethodName() == null && !(definition instanceof RootBeanDefinition r && r.getInstanceSupplier() != null)) {
        return bean; // Spring constructed it, as the class TracedBeanClasses chose
      }
      Optional<Class<?>> wrapper = declaredInterface(definition).flatMap(TracedClasses::tracedWrapper);
      if (wrapper.isPresent() && !wrapper.get().isInstance(bean)) {
        return wrap(wrapper.get(), declaredInterface(definition).get(), bean);
      }
      if (TracedClasses.tracedSubclass(bean.getClass()).isPresent()) {
        untraced.add(name);
        LOG.log(Level.WARNING,
            "Tracewright: bean ''{0}'' is a {1} built by your code, so it is not traced; build it as new {2}(...) instead (the generated subclass, same constructors)",
            name, bean.getClass().getName(), TracedClasses.tracedName(bean.getClass().getName()));
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.DEBUG, "Tracewright left bean ''" + name + "'' as it is", e);
    }
    return bean;
  }

  private static Optional<Class<?>> declaredInterface(BeanDefinition definition) {
    if (definition instanceof RootBeanDefinition root) {
      Method method = root.getResolvedFactoryMethod();
      if (method != null && method.getReturnType().isInterface()) {
        return Optional.of(method.getReturnType());
      }
    }
    return Optional.empty();
  }

  private static Object wrap(Class<?> wrapper, Class<?> api, Object bean) {
    try {
      Constructor<?> constructor = wrapper.getConstructor(api);
      return constructor.newInstance(bean);
    } catch (ReflectiveOperationException e) {
      LOG.log(Level.WARNING, "Tracewright could not wrap a " + api.getName() + " bean in " + wrapper.getName(), e);
      return bean;
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE; // wrap the user's object before any AOP proxy wraps it
  }
}
