package dev.caravan.budget;

import java.math.BigDecimal;
import java.util.List;

/**
 * A spending limit on a key, a project or an end user (the request's {@code user} routing option).
 *
 * @param id              {@code bud_…}
 * @param scope           what the limit applies to
 * @param subject         the key id, project id or user name
 * @param limitUsd        the most that may be spent per period, in USD
 * @param period          when spending starts again from zero (UTC)
 * @param mode            {@code SOFT}: the request that crosses the limit completes, later ones are refused;
 *                        {@code HARD}: a request is refused unless its worst-case cost still fits
 * @param alertThresholds percentages of the limit at which the webhook is called, once each per period
 * @param webhookUrl      where alerts are POSTed; null sends none
 * @param includeByok     whether requests paid with the caller's own provider key (BYOK) count against it
 * @param onStoreOutage   what a request meeting it gets while the shared ledger (Redis) cannot be reached; null
 *                        reads {@code CLOSED}
 */
public record Budget(String id, Scope scope, String subject, BigDecimal limitUsd, Period period, Mode mode,
                     List<Integer> alertThresholds, String webhookUrl, boolean includeByok,
                     OnStoreOutage onStoreOutage) {

    public Budget {
        alertThresholds = alertThresholds == null ? List.of() : List.copyOf(alertThresholds);
        onStoreOutage = onStoreOutage == null ? OnStoreOutage.CLOSED : onStoreOutage;
    }

    public enum Scope { KEY, PROJECT, USER }

    public enum Period { DAILY, WEEKLY, MONTHLY, NONE }

    public enum Mode { SOFT, HARD }

    /**
     * {@code CLOSED}: refused (503 {@code budget_unavailable}), nothing spent that no ledger saw. {@code OPEN}: served,
     * held against this instance's memory instead ({@link StoreOutage}), which bounds the overspend but does not
     * prevent it when several replicas serve the same budget.
     */
    public enum OnStoreOutage { CLOSED, OPEN }
}
