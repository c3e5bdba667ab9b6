package dev.caravan.budget;

import org.springframework.jdbc.core.JdbcTemplate;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Sums of {@code usage_records}: a budget's spend in its period (to seed the ledger) and a subject's lifetime spend. */
public final class RecordedSpend implements SpendHistory {

    private final JdbcTemplate jdbc;

    public RecordedSpend(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
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
                        + " = ? AND created_at >= ?" + (includeByok ? "" : " AND is_byok = FALSE"), BigDecimal.class,
                subject, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        return sum == null ? BigDecimal.ZERO : sum;
    }
}
