package dev.caravan.budget;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.canonical.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a budget's threshold alerts to its webhook: a JSON POST per threshold and period, which the ledger has
 * already claimed for this instance (so replicas never send the same one twice). Delivery runs on the HTTP client's
 * own threads, after the request that crossed the threshold has been answered, and is retried a few times; a
 * webhook that stays down is logged and given up, never felt by a request. The payload names the budget and its
 * subject (a key id, never a key) and the amounts; the webhook URL is not logged, as it often holds a token.
 */
public final class BudgetAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetAlerts.class);

    private final HttpClient http;
    private final Clock clock;
    private final int attempts;
    private final Duration timeout;
    private final Duration backoff;
    private final WebhookTargets targets;

    public BudgetAlerts(HttpClient http, Clock clock, int attempts, Duration timeout, Duration backoff,
                        WebhookTargets targets) {
        this.http = http;
        this.clock = clock;
        this.attempts = attempts;
        this.timeout = timeout;
        this.backoff = backoff;
        this.targets = targets;
    }

    public void send(Ledger.Crossing crossing) {
        String url = crossing.line().budget().webhookUrl();
        if (url == null || url.isBlank()) {
            return;
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "caravan-budget-alerts")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(payload(crossing, clock.instant()))))
                    .build();
        } catch (IllegalArgumentException e) {
            LOG.warn("budget {}: alert webhook URL is not valid, alert at {}% not sent", crossing.line().budget().id(),
                    crossing.thresholdPercent());
            return;
        }
        // the check resolves the webhook's host: off the request thread that settled the budget, like the delivery
        Thread.startVirtualThread(() -> {
            String refused = targets.refusal(request.uri());
            if (refused != null) {
                LOG.warn("budget {}: alert at {}% not sent: the webhook's host is not allowed ({})",
                        crossing.line().budget().id(), crossing.thresholdPercent(), refused);
                return;
            }
            deliver(request, crossing, 1);
        });
    }

    private CompletableFuture<Void> deliver(HttpRequest request, Ledger.Crossing crossing, int attempt) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    if (failure == null && response.statusCode() / 100 == 2) {
                        return null;
                    }
                    String why = failure != null ? failure.getClass().getSimpleName() : "HTTP " + response.statusCode();
                    if (attempt >= attempts) {
                        LOG.warn("budget {}: alert at {}% not delivered after {} attempts ({})",
                                crossing.line().budget().id(), crossing.thresholdPercent(), attempt, why);
                        return null;
                    }
                    CompletableFuture.runAsync(() -> deliver(request, crossing, attempt + 1),
                            CompletableFuture.delayedExecutor(backoff.toMillis() * attempt, TimeUnit.MILLISECONDS));
                    return null;
                });
    }

    static Payload payload(Ledger.Crossing crossing, Instant now) {
        BudgetLine line = crossing.line();
        Budget budget = line.budget();
        return new Payload("budget.threshold_reached", budget.id(), lower(budget.scope()), budget.subject(),
                lower(budget.mode()), lower(budget.period()), crossing.thresholdPercent(),
                Money.format(line.limitNanos()), Money.format(crossing.spentNanos()),
                line.periodEnd() == null ? null : line.periodStart().toString(),
                line.periodEnd() == null ? null : line.periodEnd().toString(), now.toString());
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The webhook's body; amounts are USD as decimal strings, times ISO-8601 UTC. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Payload(String type, String budgetId, String scope, String subject, String mode, String period,
                   int thresholdPercent, String limitUsd, String spentUsd, String periodStart, String periodEnd,
                   String sentAt) {
    }
}
