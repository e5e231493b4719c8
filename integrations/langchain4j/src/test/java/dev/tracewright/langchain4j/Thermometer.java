package dev.tracewright.langchain4j;

import dev.langchain4j.agent.tool.P;

/** A LangChain4j tool that returns a number, not traced by Tracewright (its span comes from the hooks). */
public class Thermometer {
  @dev.langchain4j.agent.tool.Tool("The temperature in a city, in Celsius")
  public double getWeather(@P(name = "city", description = "the city") String city) {
    return 24.5;
  }
}
