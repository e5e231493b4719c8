package dev.tracewright.cli.ui;

import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The UI's answer to what Jetty refuses before {@link UiHandler} runs (a malformed request line or
 * header, headers too large, a target too long): the same headers and body as the handler's errors,
 * {@code {"error": ...}} under {@code /api/} and a line of text elsewhere, never Jetty's HTML page.
 * When Jetty could not read the target at all (a bad % escape in the path, a target too long) it
 * names the request by a placeholder path; there is no path to go by, and the answer is JSON, since
 * a browser never sends such a request and a script expects the API's errors.
 */
final class UiErrors implements Request.Handler {
  /** The targets Jetty gives a request whose own it could not parse (HttpConnection, HttpChannelState). */
  private static final Set<String> UNREAD_TARGETS = Set.of("/badMessage", "/badURI", "/badRequest");

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    String reason = request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String s ? s : null;
    if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof HttpException http) {
      status = http.getCode();
      if (reason == null) {
        reason = http.getReason();
      }
    }
    if (status < 400 || status > 599) {
      status = HttpStatus.INTERNAL_SERVER_ERROR_500;
    }
    response.reset();
    UiHandler.securityHeaders(response);
    UiHandler.sendError(response, callback, status, message(status, reason), json(request.getHttpURI().getPath()));
    return true;
  }

  private static boolean json(String path) {
    return path == null || UNREAD_TARGETS.contains(path) || UiHandler.isApi(path);
  }

  /** The status's name, with Jetty's reason when it says more; never a stack trace. */
  static String message(int status, String reason) {
    String name = HttpStatus.getMessage(status);
    String text = name == null ? "error " + status : name.toLowerCase(Locale.ROOT);
    if (status >= 500) {
      return text; // the server's own failure: nothing of it for the client
    }
    return reason == null || reason.isBlank() || reason.equalsIgnoreCase(name) ? text : text + ": " + Json.clip(reason);
  }
}
