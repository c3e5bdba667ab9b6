package dev.caravan.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.caravan.canonical.Json;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Caller;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/generation} and {@code GET /v1/report}: usage read back in Vercel's shapes, so clients written for
 * its gateway read ours. Both see only the caller's records ({@link UsageScope}); a generation id of someone else
 * is answered exactly like an unknown one.
 */
@Component("usageApi")
public class UsageApi {

    /** {@code YYYY-MM-DD} with a four-digit year (ISO's signed, extended years are refused). */
    private static final Pattern PLAIN_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    // 1E-10 is valid JSON, but a cost reads better, and compares as text, in plain digits
    private static final ObjectWriter WRITER = Json.MAPPER.writer()
            .with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private final UsageStore store;

    public UsageApi(UsageStore store) {
        this.store = store;
    }

    /** {@code GET /v1/generation?id=gen_…}: one record. */
    public void generation(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || id.isBlank()) {
            throw GatewayException.invalid("Missing query parameter 'id': the generation id (gen_…) a response "
                    + "carried.", "id");
        }
        UsageRecord record = store.find(id.strip(), scope(exchange)).orElseThrow(() -> new GatewayException(
                ErrorKind.NOT_FOUND, "No generation with this id was found for this key.", "id", null, null));
        write(exchange, new Generation(GenerationView.of(record)));
    }

    /** {@code GET /v1/report?start_date=&end_date=&group_by=}: sums per group, UTC days, both ends included. */
    public void report(Exchange exchange) {
        Message in = exchange.getMessage();
        LocalDate start = date(in, "start_date");
        LocalDate end = date(in, "end_date");
        if (end.isBefore(start)) {
            throw GatewayException.invalid("'end_date' is before 'start_date'.", "end_date");
        }
        String groupBy = in.getHeader("group_by", String.class);
        GroupBy group = groupBy == null || groupBy.isBlank() ? GroupBy.DAY : GroupBy.parse(groupBy.strip())
                .orElseThrow(() -> GatewayException.invalid("'group_by' must be one of " + GroupBy.names() + ".",
                        "group_by"));
        write(exchange, new Report(store.report(start, end, group, scope(exchange))));
    }

    private static LocalDate date(Message in, String param) {
        String value = in.getHeader(param, String.class);
        if (value == null || value.isBlank()) {
            throw GatewayException.invalid("Missing query parameter '" + param + "' (YYYY-MM-DD, UTC).", param);
        }
        String date = value.strip();
        // LocalDate alone takes +999999999-12-31, whose day range then overflows in the query
        if (PLAIN_DATE.matcher(date).matches()) {
            try {
                return LocalDate.parse(date);
            } catch (DateTimeParseException noSuchDay) {
                // 2026-02-30: refused below like any other malformed date
            }
        }
        throw GatewayException.invalid("'" + param + "' must be a date as YYYY-MM-DD (UTC).", param);
    }

    static UsageScope scope(Exchange exchange) {
        Caller caller = exchange.getProperty(Caller.PROPERTY, Caller.class);
        if (caller == null) {
            // the route authenticates first; without a caller nothing may be read
            throw new GatewayException(ErrorKind.AUTHENTICATION, "Missing gateway key.");
        }
        return UsageScope.of(caller);
    }

    static void write(Exchange exchange, Object body) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            out.setBody(WRITER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body.getClass().getSimpleName(), e);
        }
    }

    record Generation(GenerationView data) {
    }

    record Report(List<ReportRow> results) {
    }
}
