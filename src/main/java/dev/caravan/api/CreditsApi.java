package dev.caravan.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.budget.Budget;
import dev.caravan.budget.BudgetBook;
import dev.caravan.budget.BudgetLine;
import dev.caravan.budget.Budgets;
import dev.caravan.budget.Money;
import dev.caravan.budget.RecordedSpend;
import dev.caravan.canonical.Json;
import dev.caravan.identity.Caller;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /v1/credits} in Vercel AI Gateway's shape, {@code {"balance":"95.50","total_used":"4.50"}}: the
 * balance is what is left of the caller's key budget in its current period (else of its project's budget), and
 * {@code total_used} what that key (or project) has spent in all, from the usage records. Without a budget there is
 * no balance to report and {@code balance} is null. The budget itself is described in {@code budget}.
 */
@Component("creditsApi")
public class CreditsApi {

    private final BudgetBook book;
    private final Budgets budgets;
    private final RecordedSpend recorded;

    public CreditsApi(BudgetBook book, Budgets budgets, RecordedSpend recorded) {
        this.book = book;
        this.budgets = budgets;
        this.recorded = recorded;
    }

    public void credits(Exchange exchange) {
        Caller caller = exchange.getProperty(Caller.PROPERTY, Caller.class);
        Budget budget = budgetOf(book.budgetsFor(caller, null), caller);
        Credits credits;
        if (budget == null) {
            credits = new Credits(null, Money.format(recorded.sum(Budget.Scope.KEY, caller.keyId(), Instant.EPOCH,
                    false)), null);
        } else {
            Budgets.Standing standing = budgets.standing(budget);
            BudgetLine line = standing.line();
            long left = Math.max(0, line.limitNanos() - standing.spentNanos());
            credits = new Credits(Money.format(left),
                    Money.format(recorded.sum(budget.scope(), budget.subject(), Instant.EPOCH, budget.includeByok())),
                    new BudgetView(budget.id(), lower(budget.scope()), lower(budget.mode()), lower(budget.period()),
                            Money.format(line.limitNanos()), Money.format(standing.spentNanos()),
                            line.periodEnd() == null ? null : line.periodStart().toString(),
                            line.periodEnd() == null ? null : line.periodEnd().toString()));
        }
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(Json.write(credits));
    }

    /** The key's own budget first: it is the one that refuses this caller first; else its project's. */
    static Budget budgetOf(List<Budget> budgets, Caller caller) {
        Budget project = null;
        for (Budget budget : budgets) {
            if (budget.scope() == Budget.Scope.KEY && budget.subject().equals(caller.keyId())) {
                return budget;
            }
            if (budget.scope() == Budget.Scope.PROJECT && budget.subject().equals(caller.projectId())) {
                project = budget;
            }
        }
        return project;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** Vercel's fields first; {@code balance} is written even when null, as clients read it without checking. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Credits(@JsonInclude(JsonInclude.Include.ALWAYS) String balance, String totalUsed, BudgetView budget) {
    }

    /** USD as decimal strings; the period's bounds are absent for a budget without a period. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BudgetView(String id, String scope, String mode, String period, String limit, String spent,
                      String periodStart, String resetsAt) {
    }
}
