package dev.caravan.metrics;

import dev.caravan.budget.Budget;
import dev.caravan.budget.BudgetStore;
import dev.caravan.budget.Budgets;
import dev.caravan.budget.Money;
import dev.caravan.controlplane.Change;
import dev.caravan.controlplane.ChangeFeed;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Each key and project budget's spend in its current period against its limit, as {@code caravan.budget.spent} and
 * {@code caravan.budget.limit} (USD). The spend is read from the ledger when Prometheus scrapes, so it is as fresh as
 * the ledger; the set of budgets is listed again whenever one is created, changed or deleted (the control plane's
 * change feed, on any replica), on a thread of its own rather than the one that announced it. End users' budgets are
 * left out: their label would be a user, and there may be one per user.
 */
@Component
@ConditionalOnProperty(name = "caravan.metrics.enabled", havingValue = "true", matchIfMissing = true)
public class BudgetGauges {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetGauges.class);

    private final MeterRegistry registry;
    private final BudgetStore store;
    private final Budgets budgets;
    private final ExecutorService lister = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("caravan-budget-gauges").daemon().factory());
    private final List<Meter> registered = new ArrayList<>();

    public BudgetGauges(MeterRegistry registry, BudgetStore store, Budgets budgets, ChangeFeed changes) {
        this.registry = registry;
        this.store = store;
        this.budgets = budgets;
        changes.subscribe(change -> {
            if (change.kind() == Change.Kind.BUDGETS) {
                refreshLater();
            }
        });
    }

    @EventListener(ApplicationReadyEvent.class)
    public void refreshLater() {
        try {
            lister.execute(this::refresh);
        } catch (RuntimeException stopping) {
            // the gateway is shutting down: nobody will scrape these any more
        }
    }

    /** Registers the gauges of the budgets there are now, and removes those of budgets that are gone. */
    synchronized void refresh() {
        List<Budget> current;
        try {
            current = store.list(null, null).stream().filter(b -> b.scope() != Budget.Scope.USER).toList();
        } catch (RuntimeException unreachable) {
            LOG.debug("budget gauges keep their budgets: the list cannot be read ({})", unreachable.toString());
            return;
        }
        registered.forEach(registry::remove);
        registered.clear();
        for (Budget budget : current) {
            String scope = budget.scope().name().toLowerCase(Locale.ROOT);
            String period = budget.period().name().toLowerCase(Locale.ROOT);
            registered.add(Gauge.builder("caravan.budget.spent", budget, this::spentUsd)
                    .description("Spent in the budget's current period, in USD (reservations not included)")
                    .tag("budget", budget.id()).tag("scope", scope).tag("period", period).baseUnit("usd")
                    // a gauge holds its object weakly: these budgets are referenced by nothing else
                    .strongReference(true)
                    .register(registry));
            registered.add(Gauge.builder("caravan.budget.limit", budget, b -> b.limitUsd().doubleValue())
                    .description("The budget's limit per period, in USD")
                    .tag("budget", budget.id()).tag("scope", scope).tag("period", period).baseUnit("usd")
                    .strongReference(true)
                    .register(registry));
        }
    }

    private double spentUsd(Budget budget) {
        try {
            return Money.usd(budgets.standing(budget).spentNanos()).doubleValue();
        } catch (RuntimeException unreachable) {
            // a gauge without a value is left out of the scrape rather than shown as nothing spent
            return Double.NaN;
        }
    }

    @PreDestroy
    void stop() {
        lister.shutdownNow();
    }
}
