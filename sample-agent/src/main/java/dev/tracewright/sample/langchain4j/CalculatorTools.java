package dev.tracewright.sample.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.tracewright.sample.Tools;

/**
 * LangChain4j tools that Tracewright also traces: the model calls them on {@code CalculatorToolsTraced}.
 * {@code @P(name = ...)} names the argument, so no {@code -parameters} flag is needed.
 */
@dev.tracewright.annotations.Tool
public class CalculatorTools {
  private final Tools tools = new Tools();

  @dev.langchain4j.agent.tool.Tool("Evaluates an arithmetic expression with + - * / and parentheses")
  public double calculate(@P(name = "expression", description = "for example 366 * 24 * 3600") String expression) {
    return tools.calculate(expression);
  }
}
