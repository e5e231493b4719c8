package dev.tracewright.springai.app;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.stereotype.Component;

/** A Spring AI tool bean whose tool method is also traced: one TOOL span, the traced method's, with the call ID. */
@Component
public class CurrencyTools {
  @Tool(name = "convert_currency", description = "Converts euros to yen")
  @dev.tracewright.annotations.Tool
  public double convert(double euros) {
    return euros * 160;
  }
}
