package dev.tracewright.springai.app;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/** A plain Spring AI tool bean; Tracewright sees its calls through Spring AI's tool observations. */
@Component
public class WeatherTools {
  @Tool(description = "Current weather in a city")
  public String weather(@ToolParam(description = "city name") String city) {
    return "{\"city\":\"" + city + "\",\"sky\":\"light rain\",\"celsius\":14}";
  }
}
