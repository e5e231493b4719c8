package dev.tracewright.langchain4j;

import dev.langchain4j.agent.tool.P;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** LangChain4j tools, traced by Tracewright: the model calls them on a {@code WeatherToolsTraced}. */
@dev.tracewright.annotations.Tool
public class WeatherTools {
  final List<String> threads = new CopyOnWriteArrayList<>();

  @dev.langchain4j.agent.tool.Tool("The current weather in a city")
  public String getWeather(@P(name = "city", description = "the city") String city) {
    threads.add(Thread.currentThread().getName());
    return "sunny, 24 C in " + city;
  }
}
