package dev.tracewright.runtime.replay;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * A super-type token: generated code writes {@code new ReturnType<List<Hit>>() {}} once per traced
 * method, in a static field, so a replay can read recorded JSON back into the exact generic return
 * type. The type comes from this token's own declaration, never from reflection on user classes.
 */
public abstract class ReturnType<T> {
  private final Type type;

  protected ReturnType() {
    Type superclass = getClass().getGenericSuperclass();
    if (!(superclass instanceof ParameterizedType parameterized)) {
      throw new IllegalStateException("ReturnType must be created with a type argument: new ReturnType<Foo>() {}");
    }
    this.type = parameterized.getActualTypeArguments()[0];
  }

  /** The type argument, e.g. {@code java.util.List<com.acme.Hit>}. */
  public Type type() {
    return type;
  }

  @Override
  public String toString() {
    return type.getTypeName();
  }
}
