package dev.caravan.routing;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
import dev.caravan.catalog.ModelEntry;
import dev.caravan.error.GatewayException;

import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway knows about one request while routes pass it along: the parsed request, its routing options, the
 * models to try, the attempt plan and what each attempt did. Kept as one exchange property so that nothing
 * request-specific travels in headers, which camel-http would send upstream. One request is handled by one thread
 * at a time, so this is not synchronised.
 */
public final class GatewayCall {

    public static final String PROPERTY = "caravanCall";
    /** The provider of the current attempt, for routes to address {@code direct:provider-<name>}. */
    public static final String PROVIDER_PROPERTY = "caravanProvider";

    private ChatRequest request;
    private final String requestedModel;
    private final RoutingOptions options;
    private final List<Warning> warnings = new ArrayList<>();
    private List<String> models;
    private List<Attempt> plan = List.of();
    private int next;
    private Attempt current;
    private long startMillis;
    private boolean succeeded;
    private final List<AttemptRecord> records = new ArrayList<>();
    private GatewayException lastFailure;

    public GatewayCall(ChatRequest request, RoutingOptions options) {
        this.request = request;
        this.requestedModel = request.model();
        this.options = options;
        this.models = new ArrayList<>(1 + options.models().size());
        this.models.add(request.model());
        // the requested model named again as a fallback would only repeat its providers' attempts
        options.models().stream().filter(m -> !m.equals(request.model())).forEach(this.models::add);
    }

    /** The request as the current attempt should send it (a tier may have capped it). */
    public ChatRequest request() {
        return request;
    }

    public void replaceRequest(ChatRequest capped) {
        this.request = capped;
    }

    /** The model id as the client named it: a {@code creator/model} or a {@code tier/name}. */
    public String requestedModel() {
        return requestedModel;
    }

    /** The tier's name when the client asked for {@code tier/<name>}, else null. */
    public String tier() {
        return requestedModel.startsWith("tier/") ? requestedModel.substring(5) : null;
    }

    public RoutingOptions options() {
        return options;
    }

    public List<Warning> warnings() {
        return warnings;
    }

    /** The models to try, in order: the requested one (or a tier's chain), then the request's fallbacks. */
    public List<String> models() {
        return models;
    }

    public void replaceModels(List<String> chain) {
        List<String> all = new ArrayList<>(chain);
        options.models().stream().filter(m -> !all.contains(m)).forEach(all::add);
        this.models = all;
    }

    public void plan(List<Attempt> attempts) {
        this.plan = List.copyOf(attempts);
        this.next = 0;
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

    public void start(Attempt attempt) {
        this.current = attempt;
        this.startMillis = System.currentTimeMillis();
    }

    public void recordSuccess() {
        succeeded = true;
        records.add(new AttemptRecord(current.provider(), current.model().id(), true, startMillis,
                System.currentTimeMillis(), 200, null));
    }

    /** The last error a provider really returned in this request, or null. */
    public GatewayException lastFailure() {
        return lastFailure;
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

    public List<AttemptRecord> records() {
        return records;
    }

    public Attempt current() {
        return current;
    }

    /** The provider of the current (after success: the serving) attempt; null before any attempt began. */
    public String provider() {
        return current == null ? null : current.provider();
    }

    /** The current attempt is paid with the caller's own provider key. */
    public boolean byok() {
        return current != null && options.byok().has(current.provider());
    }

    /** Drops the planned attempts {@code unwanted} refuses, recording each as skipped with {@code reason}. */
    public void skipPlanned(java.util.function.Predicate<Attempt> unwanted, String reason) {
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

    /** The attempts still to be tried. */
    public List<Attempt> remainingPlan() {
        return plan.subList(next, plan.size());
    }

    public String providerModel() {
        return current.providerModel();
    }

    public String format() {
        return current.format();
    }

    /** The catalog id of the model that is serving (which, after a fallback, is not the requested one). */
    public String servingModel() {
        return current.model().id();
    }
}
