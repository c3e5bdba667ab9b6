package dev.caravan.config;

import dev.caravan.budget.BudgetAlerts;
import dev.caravan.budget.BudgetBook;
import dev.caravan.budget.BudgetProperties;
import dev.caravan.budget.Budgets;
import dev.caravan.budget.Ledger;
import dev.caravan.budget.MemoryLedger;
import dev.caravan.budget.RecordedSpend;
import dev.caravan.budget.RedisLedger;
import dev.caravan.budget.SpendControl;
import dev.caravan.budget.SpendEnforcer;
import dev.caravan.budget.StoreOutage;
import dev.caravan.budget.WebhookTargets;
import dev.caravan.controlplane.ControlPlaneProperties;
import dev.caravan.controlplane.RedisProperties;
import dev.caravan.controlplane.RequestPathJdbc;
import dev.caravan.ratelimit.BucketStore;
import dev.caravan.ratelimit.LocalBuckets;
import dev.caravan.ratelimit.RateLimiter;
import dev.caravan.ratelimit.RedisBuckets;
import dev.caravan.shadow.ShadowProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * Budgets and rate limits: in Redis when {@code caravan.redis.url} is set (see {@link RedisConfiguration}), so every
 * replica enforces the same ones, else in this instance's memory.
 */
@Configuration(proxyBeanMethods = false)
public class SpendConfiguration {

    private static final Clock CLOCK = Clock.systemUTC();

    /** Read while a request waits (seeding a budget's account, {@code /v1/credits}): the request path's timeout. */
    @Bean
    public RecordedSpend recordedSpend(JdbcTemplate jdbc, ControlPlaneProperties controlPlane, ShadowProperties shadow) {
        return new RecordedSpend(RequestPathJdbc.template(jdbc, controlPlane.queryTimeout()),
                shadow.countAgainstBudget());
    }

    @Bean
    public Ledger budgetLedger(RedisProperties store, BudgetProperties budgets, RecordedSpend history,
                               ObjectProvider<StatefulRedisConnection<String, String>> redis) {
        StatefulRedisConnection<String, String> connection = redis.getIfAvailable();
        return connection == null ? new MemoryLedger(history, CLOCK)
                : new RedisLedger(connection, store.keyPrefix(), history, CLOCK,
                budgets.reservationLease());
    }

    @Bean
    public BucketStore rateLimitBuckets(RedisProperties store, BudgetProperties budgets,
                                        ObjectProvider<RedisClient> redis) {
        RedisClient client = redis.getIfAvailable();
        return client == null ? new LocalBuckets(budgets.localBuckets(), BucketStore.timeMeter(CLOCK))
                : new RedisBuckets(client, store.keyPrefix(), BucketStore.timeMeter(CLOCK));
    }

    @Bean
    public BudgetAlerts budgetAlerts(BudgetProperties budgets, WebhookTargets targets) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        BudgetProperties.Alerts alerts = budgets.alerts();
        return new BudgetAlerts(http, CLOCK, alerts.attempts(), alerts.timeout(), alerts.backoff(),
                targets);
    }

    @Bean
    public WebhookTargets webhookTargets(BudgetProperties budgets) {
        return new WebhookTargets(budgets.alerts().allowPrivateWebhooks());
    }

    /**
     * Budgets set to {@code onStoreOutage: open} are held in this instance's memory while Redis cannot be reached;
     * without Redis the ledger is in memory already and never away.
     */
    @Bean
    public Budgets budgets(BudgetBook book, Ledger ledger, RecordedSpend history, BudgetAlerts alerts) {
        return new Budgets(book, ledger, new StoreOutage(() -> new MemoryLedger(history, CLOCK)), alerts, CLOCK);
    }

    /** With Redis, limits degrade to this instance's memory while it is away; without it, memory is all there is. */
    @Bean
    public SpendControl spendControl(BucketStore buckets, BudgetProperties properties, Budgets budgets) {
        BucketStore whileAway = buckets instanceof LocalBuckets ? null
                : new LocalBuckets(properties.localBuckets(), BucketStore.timeMeter(CLOCK));
        return new SpendEnforcer(new RateLimiter(buckets, whileAway), budgets);
    }
}
