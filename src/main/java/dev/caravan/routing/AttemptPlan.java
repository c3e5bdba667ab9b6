package dev.caravan.routing;

import dev.caravan.catalog.ModelEntry;
import dev.caravan.error.GatewayException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One request's attempts: the plan in order, the cursor into it, the attempt being made and what each attempt did.
 * Made by the failover chain's planning step and kept as an exchange property ({@value #PROPERTY}); only the chain's
 * steps move the cursor, and admission ({@code admitSpend}) may only drop attempts not yet begun. One request is
 * handled by one thread at a time, so this is not synchronised.
 */
public final class AttemptPlan {

    public static final String PROPERTY = "caravanPlan";

    private List<Attempt> plan;
    private int next;
    private Attempt current;
    private long startMillis;
    private boolean succeeded;
    private boolean admitted;
    private GatewayException lastFailure;
    private final List<AttemptRecord> records = new ArrayList<>();

    public AttemptPlan(List<Attempt> attempts) {
        this.plan = List.copyOf(attempts);
    }

    /**
     * The request's plan: the exchange's, or else its {@link GatewayCall}'s. A chain's EIPs may run the failover
     * chain on copies of the request's exchange (a {@code failoverLoadBalancer} makes one per branch), and a branch
     * that failed leaves its plan only on its copy; the call is one object all copies share.
     */
    public static AttemptPlan of(org.apache.camel.Exchange exchange) {
        AttemptPlan plan = exchange.getProperty(PROPERTY, AttemptPlan.class);
        if (plan != null) {
            return plan;
        }
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        return call == null ? null : call.plan();
    }

    /**
     * The request comes back to the failover chain with other models (a hand-written chain's next branch after this
     * plan ran out): these attempts follow, and what was tried, the admission and the last failure stay, so the
     * request is admitted once and its attempts header tells every attempt.
     */
    public void continueWith(List<Attempt> attempts) {
        this.plan = List.copyOf(attempts);
        this.next = 0;
        this.current = null;
        this.succeeded = false;
    }

    /** True while no attempt has succeeded and the plan has attempts left. */
    public boolean inProgress() {
        return !succeeded && next < plan.size();
    }

    public boolean hasNextAttempt() {
        return next < plan.size();
    }

    public Attempt nextAttempt() {
        return plan.get(next++);
    }

    /** The attempts still to be tried. */
    public List<Attempt> remaining() {
        return plan.subList(next, plan.size());
    }

    /** The request's spend was admitted against its budgets and rate limits: attempts may begin. */
    public void admitted() {
        this.admitted = true;
    }

    public boolean isAdmitted() {
        return admitted;
    }

    /** Drops the planned attempts {@code unwanted} refuses, recording each as skipped with {@code reason}. */
    public void skipPlanned(Predicate<Attempt> unwanted, String reason) {
        List<Attempt> kept = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            Attempt attempt = plan.get(i);
            if (i >= next && unwanted.test(attempt)) {
                recordSkipped(attempt, reason);
            } else {
                kept.add(attempt);
            }
        }
        this.plan = kept;
    }

    /** Drops planned attempts that cannot help after a context-length error: same model, or a window no larger. */
    public void skipToLargerContextThan(ModelEntry model) {
        int window = model.contextWindow() == null ? 0 : model.contextWindow();
        List<Attempt> rest = new ArrayList<>(plan.subList(0, next));
        for (Attempt attempt : plan.subList(next, plan.size())) {
            Integer other = attempt.model().contextWindow();
            if (!attempt.model().id().equals(model.id()) && other != null && other > window) {
                rest.add(attempt);
            }
        }
        this.plan = rest;
    }

    /**
     * The attempt begins now: its record will say when. (The provider route reads the attempt it calls from the
     * {@link GatewayCall}, which the first-byte watch shares; the plan keeps its own for its records.)
     */
    public void begin(Attempt attempt) {
        this.current = attempt;
        this.startMillis = System.currentTimeMillis();
    }

    public void recordSuccess() {
        succeeded = true;
        records.add(new AttemptRecord(current.provider(), current.model().id(), true, startMillis,
                System.currentTimeMillis(), 200, null));
    }

    public void recordFailure(GatewayException error) {
        lastFailure = error;
        records.add(new AttemptRecord(current.provider(), current.model().id(), false, startMillis,
                System.currentTimeMillis(), error.upstreamStatus(), error.kind().code()));
    }

    public void recordSkipped(Attempt attempt, String reason) {
        long now = System.currentTimeMillis();
        records.add(new AttemptRecord(attempt.provider(), attempt.model().id(), false, now, now, null,
                "skipped: " + reason));
    }

    /** The last error a provider really returned in this request, or null. */
    public GatewayException lastFailure() {
        return lastFailure;
    }

    public List<AttemptRecord> records() {
        return records;
    }
}
