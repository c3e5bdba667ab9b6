package dev.caravan.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The request log: {@code GET /v1/admin/requests} for the admin key (every record) and {@code GET /v1/requests} for
 * a gateway key (its project's records, or its own without a project, as {@code /v1/generation} scopes them). Each
 * record is in {@code /v1/generation}'s field names, newest first.
 */
@Component("requestLogApi")
public class RequestLogApi {

    private final RequestLog log;
    private final UsageStore store;

    public RequestLogApi(RequestLog log, UsageStore store) {
        this.log = log;
        this.store = store;
    }

    /**
     * {@code GET /v1/admin/requests/{id}}: one record with its attempts and, when its project keeps them, its bodies
     * ({@code bodies}, left out when none were kept).
     */
    public void detail(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        UsageRecord record = id == null ? null : store.find(id.strip(), null).orElse(null);
        if (record == null) {
            throw new GatewayException(ErrorKind.NOT_FOUND, "No request with this id was found.", "id", null, null);
        }
        UsageApi.write(exchange, new Detail(GenerationView.of(record), store.bodies(record.id()).orElse(null)));
    }

    /** Every record; the admin-api route configuration has checked the admin key before this step. */
    public void all(Exchange exchange) {
        answer(exchange, null);
    }

    /** The authenticated caller's records only. */
    public void scoped(Exchange exchange) {
        answer(exchange, UsageApi.scope(exchange));
    }

    private void answer(Exchange exchange, UsageScope scope) {
        RequestLogQuery query = RequestLogQuery.parse(exchange.getMessage().getHeader(Exchange.HTTP_QUERY,
                String.class));
        RequestLog.Page page = log.page(query, scope);
        UsageApi.write(exchange, new Answer(page.records().stream().map(GenerationView::of).toList(),
                page.next() == null ? null : page.next().encode()));
    }

    record Detail(GenerationView data, RequestBodies bodies) {
    }

    /** {@code next_cursor} is null on the last page, and written as null so that clients can test for it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Answer(List<GenerationView> data, @JsonInclude(JsonInclude.Include.ALWAYS) String nextCursor) {
    }
}
