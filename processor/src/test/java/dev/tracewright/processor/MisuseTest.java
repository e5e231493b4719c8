package dev.tracewright.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.tracewright.processor.validation.Messages.format;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.tracewright.processor.validation.Messages;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Misuse is a compile error on the offending element that names the rule and the fix. */
class MisuseTest {

  private static Compilation compile(JavaFileObject source) {
    Compilation compilation = Compiled.compiler().compile(source);
    assertThat(compilation).failed();
    for (Diagnostic<?> d : compilation.errors()) {
      String message = d.getMessage(null);
      assertTrue(!message.contains("processor failed") && !message.contains("\tat "), "no crash: " + message);
    }
    return compilation;
  }

  @Test
  void finalClass() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "@Agent",
        "public final class Sealed {",
        "  public String run() { return \"\"; }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.FINAL_CLASS, "@Agent")).inFile(src).onLineContaining("final class Sealed");
  }

  @Test
  void finalMethod() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public class Tools {",
        "  @Tool public final String search(String q) { return q; }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.FINAL_METHOD, "@Tool")).inFile(src).onLineContaining("final String search");
  }

  @Test
  void finalMethodUnderATypeLevelAnnotation() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "@Tool",
        "public class Tools {",
        "  public String ok(String q) { return q; }",
        "  public final String locked(String q) { return q; }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.FINAL_METHOD_BY_TYPE, "@Tool")).inFile(src).onLineContaining("locked");
  }

  @Test
  void privateMethod() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public class Tools {",
        "  @LlmCall private String ask(String q) { return q; }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.PRIVATE_METHOD, "@LlmCall")).inFile(src).onLineContaining("private String ask");
  }

  @Test
  void staticMethod() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public class Tools {",
        "  @Retrieval public static String lookup(String q) { return q; }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.STATIC_METHOD, "@Retrieval")).inFile(src).onLineContaining("static String lookup");
  }

  @Test
  void nonStaticInnerClass() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public class Outer {",
        "  @Step public class Inner { public void work() {} }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.INNER_CLASS, "@Step")).inFile(src).onLineContaining("class Inner");
  }

  @Test
  void noNonPrivateConstructor() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public class Singleton {",
        "  private Singleton() {}",
        "  @Tool public String get() { return \"\"; }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.NO_ACCESSIBLE_CONSTRUCTOR, "@Tool")).inFile(src).onLineContaining("class Singleton");
  }

  @Test
  void record() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "@Tool",
        "public record Point(int x, int y) {",
        "  public int sum() { return x + y; }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.RECORD, "@Tool")).inFile(src).onLineContaining("record Point");
  }

  @Test
  void enumType() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public enum Mode {",
        "  FAST;",
        "  @Step public String label() { return name(); }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.ENUM, "@Step")).inFile(src).onLineContaining("enum Mode");
  }

  @Test
  void twoSpanAnnotationsOnOneMethod() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public class Confused {",
        "  @Tool",
        "  @LlmCall(model = \"gpt-4o\")",
        "  public String both(String q) { return q; }",
        "}");
    assertThat(compile(src))
        .hadErrorContaining(format(Messages.TWO_SPAN_ANNOTATIONS, "@Tool and @LlmCall"))
        .inFile(src)
        .onLineContaining("@LlmCall(model");
  }

  @Test
  void privateNestedType() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public class Holder {",
        "  @Tool private static class Hidden { public String x() { return \"\"; } }",
        "}");
    assertThat(compile(src)).hadErrorContaining(format(Messages.PRIVATE_TYPE, "@Tool")).inFile(src).onLineContaining("class Hidden");
  }

  @Test
  void everyProblemIsReportedInOnePass() {
    JavaFileObject src = Compiled.source(
        "package com.acme;",
        "import dev.tracewright.annotations.*;",
        "public final class Many {",
        "  @Tool private String a() { return \"\"; }",
        "  @Tool public static String b() { return \"\"; }",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorCount(3);
    assertThat(compilation).hadErrorContaining(format(Messages.FINAL_CLASS, "@Tool")).inFile(src).onLineContaining("final class Many");
    assertThat(compilation).hadErrorContaining(format(Messages.PRIVATE_METHOD, "@Tool")).inFile(src).onLineContaining("String a()");
    assertThat(compilation).hadErrorContaining(format(Messages.STATIC_METHOD, "@Tool")).inFile(src).onLineContaining("String b()");
  }
}
