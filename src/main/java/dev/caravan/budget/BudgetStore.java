package dev.caravan.budget;

import dev.caravan.controlplane.Change;
import dev.caravan.controlplane.ChangeFeed;
import dev.caravan.controlplane.ControlPlaneProperties;
import dev.caravan.controlplane.Ids;
import dev.caravan.controlplane.RequestPathJdbc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Budgets in the database ({@code budgets}: one per scope and subject). Every write announces itself on the
 * {@link ChangeFeed} once committed. Enums are stored in lower case, as the admin API spells them.
 */
@Component
public class BudgetStore {

    private static final String COLUMNS =
            "id, scope, subject, limit_usd, period, mode, alert_thresholds, webhook_url, include_byok, on_store_outage";

    private final JdbcClient jdbc;
    /** For {@link #find}, which a request waits on: with the request path's statement timeout. */
    private final JdbcClient lookups;
    private final ChangeFeed changes;

    public BudgetStore(JdbcClient jdbc, JdbcTemplate shared, ControlPlaneProperties properties, ChangeFeed changes) {
        this.jdbc = jdbc;
        this.lookups = RequestPathJdbc.client(shared, properties.queryTimeout());
        this.changes = changes;
    }

    /**
     * Stores {@code draft} (its id is ignored) under a new id.
     *
     * @throws org.springframework.dao.DuplicateKeyException when its scope and subject already have a budget
     */
    public Budget create(Budget draft) {
        Budget budget = new Budget(Ids.of("bud"), draft.scope(), draft.subject(), draft.limitUsd(), draft.period(),
                draft.mode(), draft.alertThresholds(), draft.webhookUrl(), draft.includeByok(), draft.onStoreOutage());
        jdbc.sql("INSERT INTO budgets (" + COLUMNS + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(budget.id(), lower(budget.scope()), budget.subject(), budget.limitUsd(),
                        lower(budget.period()), lower(budget.mode()), thresholds(budget.alertThresholds()),
                        budget.webhookUrl(), budget.includeByok(), lower(budget.onStoreOutage()),
                        OffsetDateTime.now(ZoneOffset.UTC))
                .update();
        changes.announce(Change.budgets());
        return budget;
    }

    /** Budgets oldest first, only those of {@code scope} and {@code subject} where they are not null. */
    public List<Budget> list(Budget.Scope scope, String subject) {
        List<String> where = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (scope != null) {
            where.add("scope = ?");
            values.add(lower(scope));
        }
        if (subject != null) {
            where.add("subject = ?");
            values.add(subject);
        }
        String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        return jdbc.sql("SELECT " + COLUMNS + " FROM budgets" + filter + " ORDER BY created_at, id").params(values)
                .query(BudgetStore::budget).list();
    }

    public Optional<Budget> get(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM budgets WHERE id = ?").param(id)
                .query(BudgetStore::budget).optional();
    }

    /** The budget of one key, project or user, if it has one. */
    public Optional<Budget> find(Budget.Scope scope, String subject) {
        return lookups.sql("SELECT " + COLUMNS + " FROM budgets WHERE scope = ? AND subject = ?")
                .params(lower(scope), subject).query(BudgetStore::budget).optional();
    }

    /** Replaces everything but the id, scope and subject; false when there is no budget with that id. */
    public boolean update(Budget budget) {
        int updated = jdbc.sql("UPDATE budgets SET limit_usd = ?, period = ?, mode = ?, alert_thresholds = ?, "
                        + "webhook_url = ?, include_byok = ?, on_store_outage = ? WHERE id = ?")
                .params(budget.limitUsd(), lower(budget.period()), lower(budget.mode()),
                        thresholds(budget.alertThresholds()), budget.webhookUrl(), budget.includeByok(),
                        lower(budget.onStoreOutage()), budget.id())
                .update();
        if (updated > 0) {
            changes.announce(Change.budgets());
        }
        return updated > 0;
    }

    public boolean delete(String id) {
        int deleted = jdbc.sql("DELETE FROM budgets WHERE id = ?").param(id).update();
        if (deleted > 0) {
            changes.announce(Change.budgets());
        }
        return deleted > 0;
    }

    private static Budget budget(ResultSet rs, int row) throws SQLException {
        String thresholds = rs.getString("alert_thresholds");
        return new Budget(rs.getString("id"), upper(Budget.Scope.class, rs.getString("scope")),
                rs.getString("subject"), rs.getBigDecimal("limit_usd"),
                upper(Budget.Period.class, rs.getString("period")), upper(Budget.Mode.class, rs.getString("mode")),
                thresholds == null || thresholds.isBlank() ? List.of()
                        : Arrays.stream(thresholds.split(",")).map(String::strip).map(Integer::valueOf).toList(),
                rs.getString("webhook_url"), rs.getBoolean("include_byok"),
                upper(Budget.OnStoreOutage.class, rs.getString("on_store_outage")));
    }

    private static String thresholds(List<Integer> percentages) {
        return percentages.isEmpty() ? null
                : percentages.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E upper(Class<E> type, String value) {
        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    }
}
