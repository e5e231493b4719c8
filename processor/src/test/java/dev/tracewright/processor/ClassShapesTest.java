package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracewright.annotations.SpanKind;
import dev.tracewright.runtime.Tracewright;
import dev.tracewright.runtime.store.SpanRecord;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every class shape the processor must handle: compiled for real, run, and read back. */
class ClassShapesTest extends TracingTest {

  @Test
  void everyNonPrivateConstructorIsMirroredWithItsVisibilityAndThrows() throws Throwable {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "import java.io.IOException;",
            "public class Shop {",
            "  private final String name;",
            "  public Shop() { this(\"default\"); }",
            "  public Shop(String name) { this.name = name; }",
            "  protected Shop(String name, int size) throws IOException {",
            "    if (size < 0) throw new IOException(\"negative size \" + size);",
            "    this.name = name + size;",
            "  }",
            "  Shop(int size, String... tags) { this.name = size + String.join(\",\", tags); }",
            "  private Shop(long ignored) { this.name = \"private\"; }",
            "  @Tool public String name() { return name; }",
            "}");
    Class<?> traced = c.load("com.acme.ShopTraced");
    Map<String, Constructor<?>> byParams = new TreeMap<>();
    for (Constructor<?> ctor : traced.getDeclaredConstructors()) {
      byParams.put(Arrays.toString(ctor.getParameterTypes()), ctor);
    }
    assertEquals(4, byParams.size(), byParams.keySet().toString());
    assertTrue(Modifier.isPublic(byParams.get("[]").getModifiers()));
    assertTrue(Modifier.isPublic(byParams.get("[class java.lang.String]").getModifiers()));
    Constructor<?> throwing = byParams.get("[class java.lang.String, int]");
    assertTrue(Modifier.isProtected(throwing.getModifiers()));
    assertArrayEquals(new Class<?>[] {IOException.class}, throwing.getExceptionTypes());
    Constructor<?> varargs = byParams.get("[int, class [Ljava.lang.String;]");
    assertTrue(varargs.isVarArgs());
    assertFalse(Modifier.isPublic(varargs.getModifiers()) || Modifier.isProtected(varargs.getModifiers()));

    throwing.setAccessible(true);
    varargs.setAccessible(true);
    assertEquals("default", Compiled.call(byParams.get("[]").newInstance(), "name"));
    assertEquals("corner3", Compiled.call(throwing.newInstance("corner", 3), "name"));
    assertEquals("2a,b", Compiled.call(varargs.newInstance(2, new String[] {"a", "b"}), "name"));
    java.lang.reflect.InvocationTargetException failed =
        assertThrows(java.lang.reflect.InvocationTargetException.class, () -> throwing.newInstance("bad", -1));
    IOException thrown = (IOException) failed.getCause();
    assertEquals("negative size -1", thrown.getMessage());
    assertEquals(List.of("name", "name", "name"), recorded().names());
  }

  @Test
  void typeLevelAnnotationTracesPublicMethodsAndAMethodAnnotationWins() throws Throwable {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "@Agent(name = \"planner\")",
            "public class Planner {",
            "  public String plan(String goal) { return lookup(goal) + helper(); }",
            "  @Tool(name = \"lookup\") public String lookup(String goal) { return goal + \"!\"; }",
            "  String helper() { return \"?\"; }",
            "  public static String util() { return \"static\"; }",
            "}");
    Object planner = c.create("com.acme.PlannerTraced");

    assertEquals("go!?", Compiled.call(planner, "plan", "go"));

    SpanRecord plan = recorded().span("planner.plan");
    assertEquals(SpanKind.AGENT, plan.kind());
    SpanRecord lookup = store.span("lookup");
    assertEquals(SpanKind.TOOL, lookup.kind());
    assertEquals(plan.spanId(), lookup.parentSpanId());
    assertEquals(2, store.spans().size(), "package-private and static methods are not traced");
  }

  @Test
  void staticNestedClassGetsOuterUnderscoreInnerTraced() throws Throwable {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "public class Outer<X> {",
            "  public static class Inner {",
            "    @Tool public String hello(String who) { return \"hello \" + who; }",
            "    public static class Deeper { @Step public int one() { return 1; } }",
            "  }",
            "}");

    assertEquals("hello you", Compiled.call(c.create("com.acme.Outer_InnerTraced"), "hello", "you"));
    assertEquals(1, Compiled.call(c.create("com.acme.Outer_Inner_DeeperTraced"), "one"));
    assertEquals("com.acme.Outer$Inner", recorded().span("hello").codeNamespace());
    assertEquals(SpanKind.STEP, store.span("one").kind());
  }

  @Test
  void genericClassKeepsItsBoundedTypeParameters() throws Throwable {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "import java.util.*;",
            "public class Ranker<T extends Comparable<? super T>, C extends Collection<T>> {",
            "  @Tool public T best(C items) { return Collections.max(items); }",
            "  @Tool public <R extends Number> List<R> keep(List<? extends R> in, Comparator<? super R> order) {",
            "    List<R> out = new ArrayList<>(in); out.sort(order); return out;",
            "  }",
            "}");
    Class<?> traced = c.load("com.acme.RankerTraced");
    TypeVariable<?>[] params = traced.getTypeParameters();
    assertEquals("T", params[0].getName());
    assertEquals("java.lang.Comparable<? super T>", params[0].getBounds()[0].getTypeName());
    assertEquals("java.util.Collection<T>", params[1].getBounds()[0].getTypeName());
    Type superclass = traced.getGenericSuperclass();
    assertEquals("com.acme.Ranker<T, C>", superclass.getTypeName());
    assertEquals(
        "java.util.List<? extends R>",
        Compiled.find(traced, "keep", 2).getGenericParameterTypes()[0].getTypeName());

    Object ranker = c.create("com.acme.RankerTraced");
    assertEquals("pear", Compiled.call(ranker, "best", List.of("apple", "pear", "fig")));
    assertEquals(List.of(3, 2, 1), Compiled.call(ranker, "keep", List.of(1, 3, 2), java.util.Comparator.reverseOrder()));
    assertEquals("{\"items\":[\"apple\",\"pear\",\"fig\"]}", recorded().span("best").inputPreview());
    assertEquals("[3,2,1]", store.span("keep").outputPreview());
  }

  @Test
  void overloadsAreEachTracedWithTheirOwnSite() throws Throwable {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "import java.util.List;",
            "public class Finder {",
            "  @Tool public String find(String q) { return q; }",
            "  @Tool(name = \"find_limited\") public String find(String q, int limit) { return q + limit; }",
            "  @Tool(name = \"find_all\") public int find(List<String> qs) { return qs.size(); }",
            "}");
    Object finder = c.create("com.acme.FinderTraced");

    assertEquals("a", Compiled.call(finder, "find", "a"));
    assertEquals("b3", Compiled.call(finder, "find", "b", 3));
    Object all = Compiled.find(finder.getClass(), "find", 1);
    assertEquals(2, finder.getClass().getMethod("find", List.class).invoke(finder, List.of("x", "y")));

    assertEquals(List.of("find", "find_limited", "find_all"), recorded().names());
    assertEquals("{\"q\":\"b\",\"limit\":3}", store.span("find_limited").inputPreview());
    assertTrue(all != null);
  }

  @Test
  void varargsArriveAsAnArrayAndAreCapturedAsOne() throws Throwable {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "public class Counter {",
            "  @Tool public int count(String first, String... rest) { return 1 + rest.length; }",
            "  @Tool public int tags(String... tags) { return tags.length; }",
            "}");
    Object counter = c.create("com.acme.CounterTraced");
    assertTrue(Compiled.find(counter.getClass(), "count", 2).isVarArgs());

    assertEquals(3, Compiled.call(counter, "count", "a", new String[] {"b", "c"}));
    assertEquals(2, Compiled.call(counter, "tags", (Object) new String[] {"x", "y"}));

    assertEquals("{\"first\":\"a\",\"rest\":[\"b\",\"c\"]}", recorded().span("count").inputPreview());
    assertEquals("{\"tags\":[\"x\",\"y\"]}", store.span("tags").inputPreview());
  }

  @Test
  void exceptionsPropagateAsTheSameInstanceAndMarkTheSpan() throws Throwable {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "import java.io.IOException;",
            "public class Fetcher {",
            "  public static Throwable next;",
            "  @Tool public String fetch(String url) throws IOException {",
            "    if (next instanceof IOException e) throw e;",
            "    if (next instanceof RuntimeException e) throw e;",
            "    if (next instanceof Error e) throw e;",
            "    return \"ok\";",
            "  }",
            "}");
    Object fetcher = c.create("com.acme.FetcherTraced");
    Class<?> type = c.load("com.acme.Fetcher");
    assertArrayEquals(new Class<?>[] {IOException.class}, Compiled.find(fetcher.getClass(), "fetch", 1).getExceptionTypes());

    for (Throwable error :
        List.of(new IOException("connection reset"), new IllegalStateException("bad state"), new AssertionError("boom"))) {
      type.getField("next").set(null, error);
      Throwable thrown = assertThrows(Throwable.class, () -> Compiled.call(fetcher, "fetch", "http://x"));
      assertSame(error, thrown);
    }

    List<SpanRecord> spans = recorded().spans();
    assertEquals(List.of("java.io.IOException", "java.lang.IllegalStateException", "java.lang.AssertionError"),
        spans.stream().map(SpanRecord::errorType).toList());
    assertEquals(List.of("connection reset", "bad state", "boom"), spans.stream().map(SpanRecord::errorMessage).toList());
    assertTrue(spans.stream().allMatch(SpanRecord::isError));
    assertTrue(spans.stream().allMatch(s -> s.outputPreview() == null));
  }

  @Test
  void primitiveAndVoidReturnsAreCapturedAsTheirJsonValue() throws Throwable {
    Compiled c =
        Compiled.compile(
            "package com.acme;",
            "import dev.tracewright.annotations.*;",
            "@Step",
            "public class Primitives {",
            "  public int i() { return 42; }",
            "  public long l() { return 1L << 40; }",
            "  public double d() { return 0.5; }",
            "  public float f() { return 1.5f; }",
            "  public boolean z() { return true; }",
            "  public char c() { return 'x'; }",
            "  public byte b() { return (byte) 7; }",
            "  public short s() { return (short) 300; }",
            "  public void v() { }",
            "}");
    Object p = c.create("com.acme.PrimitivesTraced");
    List<String> names = List.of("i", "l", "d", "f", "z", "c", "b", "s", "v");
    List<Object> results = new java.util.ArrayList<>();
    for (String name : names) {
      results.add(Compiled.call(p, name));
    }
    assertEquals(Arrays.asList(42, 1L << 40, 0.5, 1.5f, true, 'x', (byte) 7, (short) 300, null), results);
    recorded();
    List<String> outputs = names.stream().map(n -> store.span(n).outputPreview()).toList();
    assertEquals(Arrays.asList("42", "1099511627776", "0.5", "1.5", "true", "\"x\"", "7", "300", null), outputs);
  }

  @Test
  void abstractClassGivesAnAbstractWrapperThatSubclassesComplete() throws Throwable {
    Compiled c =
        Compiled.compile(
            Compiled.source(
                "package com.acme;",
                "import dev.tracewright.annotations.*;",
                "public abstract class BaseAgent {",
                "  @Agent public String run(String q) { return answer(q); }",
                "  @Tool protected abstract String answer(String q);",
                "}"),
            Compiled.source(
                "package com.acme;",
                "public class EchoAgent extends BaseAgentTraced {",
                "  @Override protected String answer(String q) { return \"echo \" + q; }",
                "}"));
    assertTrue(Modifier.isAbstract(c.load("com.acme.BaseAgentTraced").getModifiers()));

    assertEquals("echo hi", Compiled.call(c.create("com.acme.EchoAgent"), "run", "hi"));

    assertEquals(List.of("run"), recorded().names(), "abstract methods have no body to wrap");
  }

  @Test
  void beforeInitTracedCallsJustRun() throws Throwable {
    Tracewright.shutdown();
    Object agent = SelfInvocationTest.AGENT.create("com.acme.ResearchAgentTraced");

    assertEquals("FOUND:Q/1", Compiled.call(agent, "research", "q", 1));
    assertNull(Tracewright.current().spanId());
    assertTrue(store.spans().isEmpty());
  }
}
