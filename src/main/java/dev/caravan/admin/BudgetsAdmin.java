package dev.caravan.admin;

import dev.caravan.audit.AuditLog;
import dev.caravan.audit.AuditTarget;
import dev.caravan.budget.Budget;
import dev.caravan.budget.BudgetStore;
import dev.caravan.budget.Budgets;
import dev.caravan.budget.Money;
import dev.caravan.budget.WebhookTargets;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Caller;
import dev.caravan.keys.KeyStore;
import org.apache.camel.Exchange;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * {@code /v1/admin/budgets}: spending limits on a key, a project or an end user (the request's {@code user}), one per
 * subject. Enforcement reads them through {@link dev.caravan.budget.BudgetBook}; a change reaches every replica at
 * once. A key budget's subject is a key id, or {@code env} for the environment's {@code AI_GATEWAY_API_KEY}.
 */
@Component("budgetsAdmin")
public class BudgetsAdmin {

    private static final String[] SETTINGS = {"limitUsd", "period", "mode", "alertThresholds", "webhookUrl",
            "includeByok", "onStoreOutage"};

    private final BudgetStore budgets;
    private final KeyStore keys;
    private final WebhookTargets webhooks;
    private final Budgets spend;
    private final AuditLog audit;

    public BudgetsAdmin(BudgetStore budgets, KeyStore keys, WebhookTargets webhooks, Budgets spend, AuditLog audit) {
        this.budgets = budgets;
        this.keys = keys;
        this.webhooks = webhooks;
        this.spend = spend;
        this.audit = audit;
    }

    /**
     * A budget in the audit log: its webhook as a host only, since a webhook URL's path or query is often its
     * credential (Slack's and Teams' are).
     */
    private static AuditTarget audited(Budget budget) {
        return AuditTarget.of("budget", budget.id(), BudgetView.of(budget)).without("webhookUrl")
                .with("webhookHost", budget.webhookUrl() == null ? null : URI.create(budget.webhookUrl()).getHost());
    }

    /** The request's {@code webhookUrl}, refused (400) when it points inside the gateway's own network. */
    private String webhookUrl(AdminRequest request) {
        String url = request.url("webhookUrl");
        String refused = url == null ? null : webhooks.refusal(URI.create(url));
        if (refused != null) {
            throw GatewayException.invalid("'webhookUrl' may not be called: " + refused
                    + " (caravan.budgets.alerts.allow-private-webhooks allows them).", "webhookUrl");
        }
        return url;
    }

    /**
     * {@code POST}: {@code {"scope", "subject", "limitUsd", "period"?, "mode"?, "alertThresholds"?, "webhookUrl"?,
     * "includeByok"?, "onStoreOutage"?}}; by default monthly, hard, no alerts, BYOK not counted, closed while the
     * shared ledger is unreachable.
     */
    public void create(Exchange exchange) {
        AdminRequest request = AdminRequest.body(exchange, concat("scope", "subject"));
        Budget.Scope scope = request.choice("scope", Budget.Scope.class, null);
        String subject = request.text("subject", true);
        checkSubject(scope, subject);
        Budget draft = new Budget(null, scope, subject, request.usd("limitUsd", true),
                request.choice("period", Budget.Period.class, Budget.Period.MONTHLY),
                request.choice("mode", Budget.Mode.class, Budget.Mode.HARD), request.percentages("alertThresholds"),
                webhookUrl(request), request.flag("includeByok", false),
                request.choice("onStoreOutage", Budget.OnStoreOutage.class, Budget.OnStoreOutage.CLOSED));
        Budget budget;
        try {
            budget = audit.change(exchange, "budget.create", () -> budgets.create(draft), BudgetsAdmin::audited);
        } catch (DuplicateKeyException e) {
            Budget existing = budgets.find(scope, subject).orElseThrow(() -> e);
            throw new GatewayException(ErrorKind.CONFLICT, "The " + lower(scope) + " '" + subject + "' has a budget "
                    + "already (" + existing.id() + "); change it with PATCH /v1/admin/budgets/" + existing.id() + ".",
                    "subject", null, null);
        }
        AdminResponse.write(exchange, 201, BudgetView.of(budget));
    }

    /**
     * {@code GET}, optionally {@code ?scope=&subject=}; each with {@code spentUsd}, its current period's spend (as
     * {@code caravan.budget.spent} reads it), which the dashboard draws against the limit.
     */
    public void list(Exchange exchange) {
        Budget.Scope scope = AdminRequest.parse(AdminRequest.query(exchange, "scope"), "scope", Budget.Scope.class);
        AdminResponse.list(exchange, budgets.list(scope, AdminRequest.query(exchange, "subject")).stream()
                .map(budget -> BudgetView.of(budget).spent(spentUsd(budget))).toList());
    }

    /** Null (left out) when the ledger cannot be read: the budgets are still worth listing. */
    private BigDecimal spentUsd(Budget budget) {
        try {
            return plain(Money.usd(spend.standing(budget).spentNanos()));
        } catch (RuntimeException unreachable) {
            return null;
        }
    }

    public void get(Exchange exchange) {
        String id = AdminRequest.id(exchange);
        AdminResponse.ok(exchange, BudgetView.of(budgets.get(id)
                .orElseThrow(() -> AdminResponse.notFound("budget", id))));
    }

    /**
     * {@code PATCH}: any of the settings; the others keep their value. {@code null} clears {@code alertThresholds}
     * and {@code webhookUrl}. Scope and subject are what the budget is, not settings: they never change.
     */
    public void update(Exchange exchange) {
        String id = AdminRequest.id(exchange);
        AdminRequest request = AdminRequest.body(exchange, SETTINGS);
        Budget old = budgets.get(id).orElseThrow(() -> AdminResponse.notFound("budget", id));
        Budget changed = new Budget(id, old.scope(), old.subject(),
                request.has("limitUsd") ? request.usd("limitUsd", true) : old.limitUsd(),
                request.choice("period", Budget.Period.class, old.period()),
                request.choice("mode", Budget.Mode.class, old.mode()),
                request.has("alertThresholds") ? request.percentages("alertThresholds") : old.alertThresholds(),
                request.has("webhookUrl") ? webhookUrl(request) : old.webhookUrl(),
                request.flag("includeByok", old.includeByok()),
                request.choice("onStoreOutage", Budget.OnStoreOutage.class, old.onStoreOutage()));
        if (!audit.change(exchange, "budget.update", () -> budgets.update(changed),
                done -> done ? audited(changed).changed(request.fields()) : null)) {
            throw AdminResponse.notFound("budget", id);
        }
        AdminResponse.ok(exchange, BudgetView.of(changed));
    }

    public void delete(Exchange exchange) {
        String id = AdminRequest.id(exchange);
        Budget old = budgets.get(id).orElseThrow(() -> AdminResponse.notFound("budget", id));
        if (!audit.change(exchange, "budget.delete", () -> budgets.delete(id), done -> done ? audited(old) : null)) {
            throw AdminResponse.notFound("budget", id);
        }
        AdminResponse.ok(exchange, new AdminResponse.Deleted(id, "budget", true));
    }

    /** A key or project budget must name one that exists: a typo would be a limit on nothing. */
    private void checkSubject(Budget.Scope scope, String subject) {
        boolean exists = switch (scope) {
            case KEY -> Caller.ENVIRONMENT_KEY_ID.equals(subject) || keys.key(subject).isPresent();
            case PROJECT -> keys.project(subject).isPresent();
            case USER -> true;
        };
        if (!exists) {
            throw GatewayException.invalid("'subject': no " + lower(scope) + " has the id '" + subject + "'.",
                    "subject");
        }
    }

    private static String[] concat(String... identity) {
        String[] all = new String[identity.length + SETTINGS.length];
        System.arraycopy(identity, 0, all, 0, identity.length);
        System.arraycopy(SETTINGS, 0, all, identity.length, SETTINGS.length);
        return all;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    // 25.0000000000 from the database reads 25, never 2.5E+1
    private static BigDecimal plain(BigDecimal usd) {
        return new BigDecimal(usd.stripTrailingZeros().toPlainString());
    }

    /** Enums in lower case, as they are written in requests; {@code spentUsd} only in the list. */
    record BudgetView(String id, String scope, String subject, BigDecimal limitUsd, String period, String mode,
                      List<Integer> alertThresholds, String webhookUrl, boolean includeByok, String onStoreOutage,
                      BigDecimal spentUsd) {

        static BudgetView of(Budget budget) {
            return new BudgetView(budget.id(), lower(budget.scope()), budget.subject(), plain(budget.limitUsd()),
                    lower(budget.period()), lower(budget.mode()), budget.alertThresholds(), budget.webhookUrl(),
                    budget.includeByok(), lower(budget.onStoreOutage()), null);
        }

        BudgetView spent(BigDecimal usd) {
            return new BudgetView(id, scope, subject, limitUsd, period, mode, alertThresholds, webhookUrl, includeByok,
                    onStoreOutage, usd);
        }
    }
}
