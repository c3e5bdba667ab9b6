package dev.caravan.serving;

import dev.caravan.canonical.Json;
import dev.caravan.format.openai.ErrorBody;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Tomcat's own error answers (a request whose headers are too large or malformed, rejected before any servlet or
 * route runs) in OpenAI's error shape instead of Tomcat's HTML page, so that a client's SDK can read them like every
 * other error of the gateway. Errors a servlet or route already answered are left as they are.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable failure) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ErrorKind kind = status >= 500 ? ErrorKind.INTERNAL : ErrorKind.INVALID_REQUEST;
        String message = status >= 500 ? "The gateway failed to process the request."
                : "The request was not accepted (HTTP " + status + "): its request line or headers are too large "
                + "or malformed.";
        byte[] body = Json.write(ErrorBody.of(new GatewayException(kind, message)));
        try {
            response.setContentType("application/json");
            response.setContentLength(body.length);
            OutputStream out = response.getOutputStream();
            out.write(body);
            out.flush();
        } catch (IOException | IllegalStateException gone) {
            // the client is gone or the response cannot be written: nothing more to tell it
        }
    }
}
