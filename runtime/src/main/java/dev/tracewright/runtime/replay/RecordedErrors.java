package dev.tracewright.runtime.replay;

import dev.tracewright.runtime.TracedCall;

/** Rebuilds a recorded error from its type and message. */
final class RecordedErrors {
  private RecordedErrors() {}

  /**
   * The recorded type with the recorded message, when it has a public {@code (String)} constructor
   * and may be thrown from the call: unchecked, declared by the method, or anything for a future.
   * Otherwise a {@link ReplayedException} carrying type and message.
   */
  static Throwable rebuild(String type, String message, TracedCall.Site site) {
    try {
      ClassLoader loader = site.classLoader() != null ? site.classLoader() : Thread.currentThread().getContextClassLoader();
      Class<?> c = Class.forName(type, false, loader);
      if (Throwable.class.isAssignableFrom(c) && throwableFrom(c, site)) {
        return (Throwable) c.getConstructor(String.class).newInstance(message);
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException cannot) {
      // not on this classpath, abstract, no (String) constructor, or it threw: carried instead
    }
    return new ReplayedException(type, message);
  }

  private static boolean throwableFrom(Class<?> c, TracedCall.Site site) {
    if (site.isAsync() || RuntimeException.class.isAssignableFrom(c) || Error.class.isAssignableFrom(c)) {
      return true;
    }
    return site.declaredExceptions().stream().anyMatch(d -> d.isAssignableFrom(c));
  }
}
