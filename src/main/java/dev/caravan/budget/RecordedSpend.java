package dev.caravan.budget;

import org.springframework.jdbc.core.JdbcTemplate;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Sums of {@code usage_records}: a budget's spend in its period (to seed the ledger) and a subject's lifetime spend.
 * Shadow copies' records (routes/chains/shadow.yaml, {@code shadow_of} set) are left out unless they count against the
 * caller's budget ({@code caravan.chains.shadow.count-against-budget}), as the ledger leaves them out.
 */
public final class RecordedSpend implements SpendHistory {

    private final JdbcTemplate jdbc;
    private final boolean includeShadow;

    public RecordedSpend(JdbcTemplate jdbc) {
        this(jdbc, false);
    }

    public RecordedSpend(JdbcTemplate jdbc, boolean includeShadow) {
        this.jdbc = jdbc;
        this.includeShadow = includeShadow;
    }

    @Override
    public long spentSince(BudgetLine line) {
        Budget budget = line.budget();
        return Money.nanos(sum(budget.scope(), budget.subject(), line.periodStart(), budget.includeByok()));
    }

    /** USD spent by a key, project or user since {@code since}; requests paid with the caller's own key only if asked. */
    public BigDecimal sum(Budget.Scope scope, String subject, Instant since, boolean includeByok) {
        // the column comes from the enum, never from a request: no injection through the scope
        String column = switch (scope) {
            case KEY -> "key_id";
            case PROJECT -> "project_id";
            case USER -> "end_user";
        };
        BigDecimal sum = jdbc.queryForObject("SELECT COALESCE(SUM(cost_usd), 0) FROM usage_records WHERE " + column
                        + " = ? AND created_at >= ?" + (includeByok ? "" : " AND is_byok = FALSE")
                        + (includeShadow ? "" : " AND shadow_of IS NULL"), BigDecimal.class,
                subject, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        return sum == null ? BigDecimal.ZERO : sum;
    }
}
