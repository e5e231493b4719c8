package dev.tracewright.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Frameworks find tools by reflection on the instance's class; the override must carry their
 * runtime annotations (method and parameters) or the tool silently disappears.
 */
class FrameworkAnnotationsTest extends TracingTest {

  static final Compiled CALCULATOR =
      Compiled.compileWithForeignAnnotations(
          "package com.acme;",
          "import dev.langchain4j.agent.tool.P;",
          "import dev.langchain4j.agent.tool.Tool;",
          "@dev.tracewright.annotations.Tool",
          "public class Calculator {",
          "  @Tool(\"Adds two numbers\")",
          "  public double add(@P(\"first addend\") double a, @P(\"second addend\") double b) { return a + b; }",
          "  @Tool(name = \"sqrt\", value = \"Square root of a number\")",
          "  public double squareRoot(@P(\"the number\") double x) { return Math.sqrt(x); }",
          "}");

  static final Compiled PARTLY_TRACED =
      Compiled.compileWithForeignAnnotations(
          "package com.acme;",
          "import dev.langchain4j.agent.tool.P;",
          "import dev.langchain4j.agent.tool.Tool;",
          "public class Weather {",
          "  @Tool(\"Current temperature\") @dev.tracewright.annotations.Tool",
          "  public int temperature(@P(\"city name\") String city) { return 21; }",
          "  @Tool(\"Tomorrow's forecast\")",
          "  public String forecast(@P(\"city name\") String city) { return \"sunny\"; }",
          "}");

  @Test
  void langChain4jStillFindsEveryToolWithItsParameterDescriptions() throws Throwable {
    Object calculator = CALCULATOR.create("com.acme.CalculatorTraced");

    Map<String, ToolSpecification> tools =
        ToolSpecifications.toolSpecificationsFrom(calculator).stream()
            .collect(Collectors.toMap(ToolSpecification::name, t -> t));

    assertEquals(2, tools.size(), tools.keySet().toString());
    assertEquals("Adds two numbers", tools.get("add").description());
    Map<String, JsonSchemaElement> addParams = tools.get("add").parameters().properties();
    assertEquals("first addend", description(addParams.get("a")));
    assertEquals("second addend", description(addParams.get("b")));
    assertEquals("Square root of a number", tools.get("sqrt").description());
    assertEquals("the number", description(tools.get("sqrt").parameters().properties().get("x")));

    // Declared-method scanners (the Spring AI community's MCP tool providers, many hand-written
    // ones) look only at the instance class's own methods.
    assertEquals(List.of("add", "squareRoot"), declaredTools(calculator.getClass()));
    Method declared = calculator.getClass().getDeclaredMethod("add", double.class, double.class);
    assertEquals("first addend", ((P) declared.getParameterAnnotations()[0][0]).value());

    // And calling the tool the way LangChain4j does, by reflection, is traced.
    Method add = calculator.getClass().getMethod("add", double.class, double.class);
    assertEquals(5.0, add.invoke(calculator, 2.0, 3.0));
    assertEquals("{\"a\":2.0,\"b\":3.0}", recorded().span("add").inputPreview());
  }

  @Test
  void toolsThatAreNotTracedAreStillFound() throws Throwable {
    Object weather = PARTLY_TRACED.create("com.acme.WeatherTraced");

    List<String> names = ToolSpecifications.toolSpecificationsFrom(weather).stream().map(ToolSpecification::name).sorted().toList();

    assertEquals(List.of("forecast", "temperature"), names);
    assertEquals(List.of("forecast", "temperature"), declaredTools(weather.getClass()));
    assertEquals("sunny", Compiled.call(weather, "forecast", "Oslo"));
    assertEquals(21, Compiled.call(weather, "temperature", "Oslo"));
    assertEquals(List.of("temperature"), recorded().names());
  }

  private static List<String> declaredTools(Class<?> type) {
    return Arrays.stream(type.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Tool.class))
        .map(Method::getName)
        .sorted()
        .toList();
  }

  private static String description(JsonSchemaElement element) {
    assertNotNull(element);
    try {
      Object d = element.getClass().getMethod("description").invoke(element);
      assertTrue(d instanceof String, String.valueOf(d));
      return (String) d;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
