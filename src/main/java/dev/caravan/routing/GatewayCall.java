package dev.caravan.routing;

import dev.caravan.canonical.ChatRequest;
import dev.caravan.canonical.Warning;
import dev.caravan.error.ErrorResponder;
import dev.caravan.format.ClientBody;

import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway knows about one request while routes pass it along: the parsed request, its routing options, the
 * models to try and the attempt the provider route is calling (the plan and its records are the failover chain's,
 * in {@link AttemptPlan}). Kept as one exchange property so that nothing request-specific travels in headers, which
 * camel-http would send upstream. One request is handled by one thread at a time, so this is not synchronised.
 */
public final class GatewayCall {

    public static final String PROPERTY = "caravanCall";
    /** The provider of the current attempt, for routes to address {@code direct:provider-<name>}. */
    public static final String PROVIDER_PROPERTY = ErrorResponder.PROVIDER_PROPERTY;
    /**
     * The exchange the failover chain runs an attempt on. A provider route's circuitBreaker EIP calls the provider on a
     * copy of it, done (its on-completions run) when the breaker returns; a stream read on after that needs the HTTP
     * response's on-completion moved back to this one.
     */
    public static final String REQUEST_EXCHANGE_PROPERTY = "caravanRequestExchange";

    /**
     * The route the failover chain calls for the current attempt: {@code <operation>-<provider>}, the operation
     * {@code provider} for chat (routes/providers/), {@code embeddings} or {@code images} for those APIs.
     */
    public static final String PROVIDER_ROUTE_PROPERTY = "caravanProviderRoute";
    public static final String CHAT = "provider";
    /** The provider an answer from the response cache names (dev.caravan.cache): no catalog provider may be so named. */
    public static final String CACHE_PROVIDER = "cache";
    public static final String EMBEDDINGS = "embeddings";
    public static final String IMAGES = "images";

    private ChatRequest request;
    private final String requestedModel;
    private final RoutingOptions options;
    private boolean anthropicClient;
    private ClientBody clientBody;
    private final List<Warning> warnings = new ArrayList<>();
    private List<String> models;
    private Attempt current;
    private String operation = CHAT;
    private AttemptPlan plan;
    /** Time spent waiting on providers so far, and when the wait in progress began (0: none is). */
    private long providerWaitNanos;
    private long waitingSince;

    public GatewayCall(ChatRequest request, RoutingOptions options) {
        this.request = request;
        this.requestedModel = request.model();
        this.options = options;
        this.models = new ArrayList<>(1 + options.models().size());
        this.models.add(request.model());
        // the requested model named again as a fallback would only repeat its providers' attempts
        options.models().stream().filter(m -> !m.equals(request.model())).forEach(this.models::add);
    }

    /**
     * A fresh call for a shadow copy of this request (routes/chains/shadow.yaml): the request as a whole answer with
     * its own mutable parts ({@link ChatRequest#asWholeAnswerCopy}), {@link RoutingOptions#forShadow} options, no
     * attempt, warnings or provider wait of this one's, and no client body (the copy's model may speak any format, and
     * the body asked for a stream), so nothing the primary's chain changes afterwards reaches the copy or back.
     */
    public GatewayCall forShadow() {
        GatewayCall copy = new GatewayCall(request.asWholeAnswerCopy(), options.forShadow());
        copy.anthropicClient = anthropicClient;
        return copy;
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

    /** The name after {@code chain/} when the request asked for a hand-written chain, else null. */
    public String chain() {
        return requestedModel.startsWith("chain/") ? requestedModel.substring(6) : null;
    }

    /** The request was read from Anthropic's Messages API (its Anthropic-only fields are not for other targets). */
    public boolean anthropicClient() {
        return anthropicClient;
    }

    public void readFromAnthropicClient() {
        this.anthropicClient = true;
    }

    /**
     * Keeps the body as the client sent it, so that an attempt on a provider of the client's own format passes it
     * through ({@link #passesThrough}) instead of translating the canonical request.
     */
    public void keepClientBody(ClientBody body) {
        this.clientBody = body;
    }

    /** The client's own body, or null when the API keeps none. */
    public ClientBody clientBody() {
        return clientBody;
    }

    /** {@code attempt}'s provider speaks the client's own wire format: it may get the client's body as it is. */
    public boolean passesThrough(Attempt attempt) {
        return clientBody != null && clientBody.format().equals(attempt.format());
    }

    /** The current attempt {@link #passesThrough(Attempt) passes through}. */
    public boolean passesThrough() {
        return current != null && passesThrough(current);
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

    /** The request is not a chat: its attempts call the provider routes for {@code kind} (EMBEDDINGS, IMAGES). */
    public void operation(String kind) {
        this.operation = kind;
    }

    /** A chat request (not one of embeddings or images). */
    public boolean chat() {
        return CHAT.equals(operation);
    }

    /** The route id suffix of {@code provider}'s route for this request's operation. */
    public String providerRoute(String provider) {
        return operation + "-" + provider;
    }

    public void start(Attempt attempt) {
        this.current = attempt;
    }

    /** The attempt the provider route is calling; set when it begins, kept after it served. */
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

    /** The request is handed to the provider's HTTP call: the gateway waits on the provider from now. */
    public void upstreamSent() {
        waitingSince = System.nanoTime();
    }

    /**
     * The provider's answer is in hand (its error, its whole answer, or a stream's first event), or the attempt
     * failed: the wait ends. Only the first call after {@link #upstreamSent} counts.
     */
    public void upstreamAnswered() {
        if (waitingSince != 0) {
            providerWaitNanos += System.nanoTime() - waitingSince;
            waitingSince = 0;
        }
    }

    /**
     * How long the request waited on providers, every attempt's wait added up: from the moment its HTTP call began
     * until the provider's answer was in hand (a stream's until its first event). A wait still in progress counts up
     * to now.
     */
    public long providerWaitNanos() {
        long since = waitingSince;
        return providerWaitNanos + (since == 0 ? 0 : System.nanoTime() - since);
    }

    /** The request's attempt plan, once the failover chain has made one (see {@link AttemptPlan#of}). */
    public AttemptPlan plan() {
        return plan;
    }

    void usePlan(AttemptPlan plan) {
        this.plan = plan;
    }
}
