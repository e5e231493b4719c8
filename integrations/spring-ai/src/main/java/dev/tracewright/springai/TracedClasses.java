package dev.tracewright.springai;

import java.lang.reflect.Modifier;
import java.util.Optional;

/** Finds the {@code *Traced} class the Tracewright processor generated for a class or interface. */
final class TracedClasses {
  private TracedClasses() {}

  /**
   * The generated name: same package, nested names joined by {@code _}, then {@code Traced}
   * ({@code com.acme.Outer$Inner} gives {@code com.acme.Outer_InnerTraced}).
   */
  static String tracedName(String binaryName) {
    int dot = binaryName.lastIndexOf('.');
    String pkg = dot < 0 ? "" : binaryName.substring(0, dot + 1);
    return pkg + binaryName.substring(dot + 1).replace('$', '_') + "Traced";
  }

  /** The generated concrete subclass of {@code type}, if there is one on the class path. */
  static Optional<Class<?>> tracedSubclass(Class<?> type) {
    if (type.isInterface() || Modifier.isFinal(type.getModifiers())) {
      return Optional.empty();
    }
    return load(tracedName(type.getName()), type.getClassLoader())
        .filter(c -> c.getSuperclass() == type && !Modifier.isAbstract(c.getModifiers()));
  }

  /** The generated wrapper of interface {@code type} ({@code new XTraced(delegate)}), if there is one. */
  static Optional<Class<?>> tracedWrapper(Class<?> type) {
    if (!type.isInterface()) {
      return Optional.empty();
    }
    return load(tracedName(type.getName()), type.getClassLoader())
        .filter(c -> type.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers()));
  }

  private static Optional<Class<?>> load(String name, ClassLoader loader) {
    try {
      return Optional.of(Class.forName(name, false, loader));
    } catch (ClassNotFoundException | LinkageError absent) {
      return Optional.empty();
    }
  }
}
