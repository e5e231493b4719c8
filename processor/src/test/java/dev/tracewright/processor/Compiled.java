package dev.tracewright.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/**
 * Sources compiled with the processor (and {@code -Xlint:all -Werror}, as a strict user would),
 * with a class loader over the result so tests can run the generated code.
 */
final class Compiled {
  final Compilation compilation;
  private final ClassLoader loader;

  private Compiled(Compilation compilation) {
    this.compilation = compilation;
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject file : compilation.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        String path = file.toUri().getPath();
        String name = path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length(), path.length() - ".class".length());
        try (InputStream in = file.openInputStream()) {
          classes.put(name.replace('/', '.'), in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    this.loader =
        new ClassLoader(Compiled.class.getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
          }
        };
  }

  /** Compiles and asserts success with no warning at all. */
  static Compiled compile(String... linesOfOneFile) {
    return compile(new JavaFileObject[] {source(linesOfOneFile)});
  }

  static Compiled compile(JavaFileObject... sources) {
    return compile(compiler(), sources);
  }

  /**
   * For sources that use other libraries' annotations: javac's -Xlint:processing warns about every
   * annotation no processor claims (theirs, not ours), so a strict build with them turns that off.
   * {@code -parameters} as LangChain4j and Spring AI users compile: they read names by reflection.
   */
  static Compiled compileWithForeignAnnotations(String... linesOfOneFile) {
    return compile(
        javac().withProcessors(new TracedProcessor()).withOptions("-Xlint:all,-processing", "-Werror", "-parameters"),
        source(linesOfOneFile));
  }

  private static Compiled compile(com.google.testing.compile.Compiler compiler, JavaFileObject... sources) {
    Compilation compilation = compiler.compile(sources);
    assertThat(compilation).succeededWithoutWarnings();
    return new Compiled(compilation);
  }

  static com.google.testing.compile.Compiler compiler() {
    return javac().withProcessors(new TracedProcessor()).withOptions("-Xlint:all", "-Werror");
  }

  /** A source file; its name comes from its {@code package} and first public type. */
  static JavaFileObject source(String... lines) {
    String text = String.join("\n", lines);
    String pkg = text.replaceAll("(?s)^.*?package\\s+([\\w.]+);.*$", "$1");
    String type = text.replaceAll("(?s)^.*?(?:class|interface|record|enum)\\s+(\\w+).*$", "$1");
    return JavaFileObjects.forSourceString(pkg + "." + type, text);
  }

  Class<?> load(String name) {
    try {
      return Class.forName(name, true, loader);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("not generated: " + name, e);
    }
  }

  /** A new instance through the constructor whose parameter count matches. */
  Object create(String className, Object... args) throws Throwable {
    for (Constructor<?> c : load(className).getDeclaredConstructors()) {
      if (c.getParameterCount() == args.length) {
        c.setAccessible(true);
        try {
          return c.newInstance(args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    }
    throw new AssertionError("no constructor with " + args.length + " parameters in " + className);
  }

  /** Calls the public method of that name and parameter count, unwrapping reflection's exception. */
  static Object call(Object target, String method, Object... args) throws Throwable {
    Method m = find(target.getClass(), method, args.length);
    m.setAccessible(true);
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static Method find(Class<?> type, String method, int parameterCount) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(method) && m.getParameterCount() == parameterCount && !m.isBridge()) {
          return m;
        }
      }
    }
    throw new AssertionError("no method " + method + "/" + parameterCount + " in " + type + ": " + Arrays.toString(type.getMethods()));
  }

  /** The generated source of a wrapper, for the golden test. */
  String generatedSource(String qualifiedName) {
    return compilation
        .generatedSourceFile(qualifiedName)
        .map(
            f -> {
              try {
                return f.getCharContent(true).toString();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .orElseThrow(() -> new AssertionError("no generated source " + qualifiedName));
  }
}
