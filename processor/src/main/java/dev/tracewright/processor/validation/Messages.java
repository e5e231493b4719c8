package dev.tracewright.processor.validation;

/**
 * Every diagnostic the processor reports: the rule and the fix. Tests assert on these constants.
 * {@code %s} is the annotation's simple name (for example {@code @Agent}) unless noted.
 */
public final class Messages {
  private Messages() {}

  public static final String FINAL_CLASS =
      "%s class must not be final: Tracewright generates a subclass that records each call;"
          + " remove `final`, or annotate an interface and wrap the implementation";
  public static final String FINAL_METHOD =
      "%s method must not be final: the generated subclass cannot override it; remove `final`";
  public static final String FINAL_METHOD_BY_TYPE =
      "%s on the type traces every public method, and this one is final: the generated subclass"
          + " cannot override it; remove `final`, or annotate the methods to trace one by one";
  public static final String PRIVATE_METHOD =
      "%s method must not be private: the generated subclass cannot override it; make it"
          + " package-private, protected or public";
  public static final String STATIC_METHOD =
      "%s method must not be static: only instance methods are traced; make it an instance method,"
          + " or use Tracewright.span(...) inside it";
  public static final String INNER_CLASS =
      "%s class is an inner class: the generated subclass needs a static nested or top-level"
          + " class; add `static`";
  public static final String LOCAL_CLASS =
      "%s is not allowed on a local or anonymous class: move it to a top-level or static nested"
          + " class";
  public static final String PRIVATE_TYPE =
      "%s type must not be private (nor nested in a private type): the generated wrapper lives"
          + " beside it in the same package; make it package-private or wider";
  public static final String NO_ACCESSIBLE_CONSTRUCTOR =
      "%s class has only private constructors: the generated subclass must call one; add a"
          + " package-private, protected or public constructor";
  public static final String RECORD =
      "%s cannot trace a record: records are final; annotate an interface the record implements"
          + " and use the generated delegating wrapper";
  public static final String ENUM =
      "%s cannot trace an enum: enums are final; annotate an interface the enum implements and"
          + " use the generated delegating wrapper";
  public static final String ANNOTATION_TYPE = "%s cannot trace an annotation type";
  /** Two {@code %s}: the annotations found. */
  public static final String TWO_SPAN_ANNOTATIONS =
      "a method can carry one span annotation, but this one has %s; keep the one that says what the"
          + " call is";
  public static final String UNEXPECTED =
      "Tracewright processor failed on this type; please report it with the stack trace:%n%s";

  public static String format(String message, Object... args) {
    return String.format(message, args);
  }
}
