package dev.caravan.serving;

import dev.caravan.accounting.Metering;
import dev.caravan.accounting.Settlement;
import dev.caravan.accounting.SpendGate;
import dev.caravan.admin.AdminKey;
import dev.caravan.api.AiSdkApi;
import dev.caravan.api.ChatCompletionsApi;
import dev.caravan.api.EmbeddingsApi;
import dev.caravan.api.ImagesApi;
import dev.caravan.api.Intake;
import dev.caravan.api.MessagesApi;
import dev.caravan.api.ResponsesApi;
import dev.caravan.auth.GatewayKeys;
import dev.caravan.cache.ResponseCache;
import dev.caravan.error.ErrorResponder;
import dev.caravan.format.anthropic.MessagesErrors;
import dev.caravan.format.openai.ErrorBody;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.ChainRegistry;
import dev.caravan.routing.BorrowedBreaker;
import dev.caravan.routing.EmbeddingCall;
import dev.caravan.routing.ImageCall;
import dev.caravan.routing.Failover;
import dev.caravan.routing.UpstreamCall;
import dev.caravan.shadow.ShadowTraffic;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ExecutorService;

/**
 * The chat request's steps (API route, failover chain, provider routes) as {@link Processor} and {@link Predicate} beans, which the
 * routes reference by name ({@code process: ref: beginAttempt}, {@code expression: ref: attemptsLeft}). A
 * {@code bean:} step with a {@code method:} goes through Camel's bean binding on every exchange (method lookup,
 * parameter expressions, reflective call), and a simple expression with a method call such as
 * {@code ${exchangeProperty.caravanCall.inProgress()}} builds a new bean invocation, OGNL split included, each time it
 * is evaluated; these run several times per request, so they are plain method references instead.
 */
@Configuration(proxyBeanMethods = false)
class RouteSteps {

    @Bean
    Processor authenticate(GatewayKeys keys) {
        return keys::authenticate;
    }

    /** The admin key check, run before every admin route by the admin-api route configuration. */
    @Bean
    Processor authorizeAdmin(AdminKey adminKey) {
        return adminKey::authorize;
    }

    /** Opens the request's accounting: from here on it is recorded once, however it ends. */
    @Bean
    Processor meterRequest(Metering metering) {
        return metering::open;
    }

    /**
     * The request's exit, last in an API route and in its error handling: settles what {@code meterRequest} opened
     * (a stream when it ends) and adds the generation id, rate-limit and attempts headers.
     */
    @Bean
    Processor settleRequest(Settlement settlement) {
        return settlement::settle;
    }

    /** Any failure as an OpenAI error: status, headers and {@code {"error":{...}}} (routes/shared/openai-errors.yaml). */
    @Bean
    Processor respondOpenAiError(ErrorResponder errors) {
        return exchange -> errors.respond(exchange, ErrorBody::json);
    }

    @Bean
    Processor acceptChat(ChatCompletionsApi api) {
        return api::accept;
    }

    @Bean
    Processor respondChat(ChatCompletionsApi api) {
        return api::respond;
    }

    /**
     * Any failure on /v1/messages in Anthropic's shape, {@code {"type":"error","error":{...}}}, with Anthropic's
     * status for it (routes/shared/anthropic-errors.yaml): the Anthropic SDKs pick their exception by status.
     */
    @Bean
    Processor respondAnthropicError(ErrorResponder errors) {
        return exchange -> errors.respond(exchange, e -> MessagesErrors.of(e.kind()).status(), MessagesErrors::toJson);
    }

    @Bean
    Processor acceptMessages(MessagesApi api) {
        return api::accept;
    }

    @Bean
    Processor respondMessages(MessagesApi api) {
        return api::respond;
    }

    @Bean
    Processor countMessageTokens(MessagesApi api) {
        return api::countTokens;
    }

    /** The provider could not count: the estimate, marked, or its refusal of the request. */
    @Bean
    Processor countTokensFailed(MessagesApi api) {
        return api::countTokensFailed;
    }

    @Bean
    Processor prepareTokenCount(UpstreamCall upstream) {
        return upstream::prepareCount;
    }

    @Bean
    Processor completeTokenCount(UpstreamCall upstream) {
        return upstream::completeCount;
    }

    @Bean
    Processor acceptEmbeddings(EmbeddingsApi api) {
        return api::accept;
    }

    @Bean
    Processor respondEmbeddings(EmbeddingsApi api) {
        return api::respond;
    }

    /** An embeddings provider route's steps around its HTTP call (routes/providers/, {@code embeddings-<name>}). */
    @Bean
    Processor prepareEmbeddings(EmbeddingCall upstream) {
        return upstream::prepare;
    }

    @Bean
    Processor completeEmbeddings(EmbeddingCall upstream) {
        return upstream::complete;
    }

    /**
     * An embeddings or image provider route's steps around its HTTP call: the provider's one breaker (its chat
     * route's circuitBreaker EIP) refuses the call when open and counts how it ended (dev.caravan.routing.BorrowedBreaker).
     */
    @Bean
    Processor acquireProviderBreaker(BorrowedBreaker breaker) {
        return breaker::acquire;
    }

    @Bean
    Processor providerBreakerSucceeded(BorrowedBreaker breaker) {
        return breaker::succeeded;
    }

    @Bean
    Processor providerBreakerFailed(BorrowedBreaker breaker) {
        return breaker::failed;
    }

    @Bean
    Processor acceptImages(ImagesApi api) {
        return api::accept;
    }

    @Bean
    Processor respondImages(ImagesApi api) {
        return api::respond;
    }

    /** An image provider route's steps around its HTTP call (routes/providers/, {@code images-<name>}). */
    @Bean
    Processor prepareImages(ImageCall upstream) {
        return upstream::prepare;
    }

    @Bean
    Processor completeImages(ImageCall upstream) {
        return upstream::complete;
    }

    @Bean
    Processor acceptResponses(ResponsesApi api) {
        return api::accept;
    }

    @Bean
    Processor respondResponses(ResponsesApi api) {
        return api::respond;
    }

    /**
     * Any failure on the AI SDK's gateway protocol in its error shape (routes/shared/ai-sdk-errors.yaml), whose
     * {@code type} picks the SDK's error class; a model-not-found names the model asked for in {@code param.modelId}.
     */
    @Bean
    Processor respondAiSdkError(ErrorResponder errors) {
        return exchange -> errors.respond(exchange, error -> AiSdkApi.errorBody(exchange, error));
    }

    @Bean
    Processor acceptAiSdk(AiSdkApi api) {
        return api::accept;
    }

    @Bean
    Processor respondAiSdk(AiSdkApi api) {
        return api::respond;
    }

    @Bean
    Processor aiSdkConfig(AiSdkApi api) {
        return api::config;
    }

    @Bean
    Processor acceptAiSdkEmbeddings(AiSdkApi api) {
        return api::acceptEmbeddings;
    }

    @Bean
    Processor respondAiSdkEmbeddings(AiSdkApi api) {
        return api::respondEmbeddings;
    }

    @Bean
    Processor acceptAiSdkImages(AiSdkApi api) {
        return api::acceptImages;
    }

    @Bean
    Processor respondAiSdkImages(AiSdkApi api) {
        return api::respondImages;
    }

    /** Budgets, rate limits and maxCost, before any provider is called. */
    @Bean
    Processor admitSpend(SpendGate spend) {
        return spend::admit;
    }

    /** The response cache: answers a request that asked for it from an earlier answer, before any attempt. */
    @Bean
    Processor cacheLookup(ResponseCache cache) {
        return cache::lookup;
    }

    /** True unless {@code cacheLookup} answered the request. */
    @Bean
    Predicate cacheMissed(ResponseCache cache) {
        return cache::missed;
    }

    /** Keeps the provider's answer for the next identical request that asks for the cache. */
    @Bean
    Processor cacheStore(ResponseCache cache) {
        return cache::store;
    }

    /**
     * True once per request that named a hand-written chain ({@code chain/<name>}), when the failover chain first
     * sees it: the failover chain then hands it to that chain, which comes back with its models set.
     */
    @Bean
    Predicate entersChain() {
        return exchange -> {
            if (exchange.getProperty(ChainRegistry.PROPERTY) == null
                    || exchange.getProperty(ChainRegistry.ENTERED_PROPERTY) != null) {
                return false;
            }
            exchange.setProperty(ChainRegistry.ENTERED_PROPERTY, true);
            return true;
        };
    }

    /** A hand-written chain's choice of models ({@code caravanModels}), checked as at intake. */
    @Bean
    Processor useModels(Intake intake) {
        return intake::useChainModels;
    }

    /**
     * The shadow chain's pool (routes/chains/shadow.yaml, {@code wireTap: executorService}): bounded, and a copy it
     * has no room for is dropped and counted, never waited for.
     */
    @Bean
    ExecutorService shadowExecutor(ShadowTraffic shadow) {
        return shadow.executor();
    }

    /** The wireTap's {@code onPrepare}: the shadow copy keeps nothing of the primary's but its caller and request. */
    @Bean
    Processor copyForShadow(ShadowTraffic shadow) {
        return shadow::copy;
    }

    /** First step of a shadow copy, on the shadow pool: its own usage record opens, marked with the primary's id. */
    @Bean
    Processor meterShadow(ShadowTraffic shadow) {
        return shadow::meter;
    }

    @Bean
    Processor settleShadow(ShadowTraffic shadow) {
        return shadow::settle;
    }

    @Bean
    Processor shadowFailed(ShadowTraffic shadow) {
        return shadow::failed;
    }

    @Bean
    Processor planAttempts(Failover attempts) {
        return attempts::plan;
    }

    /** True while the chain has not succeeded and attempts remain: the failover loop's condition. */
    @Bean
    Predicate attemptsLeft() {
        return exchange -> exchange.getProperty(AttemptPlan.PROPERTY, AttemptPlan.class).inProgress();
    }

    @Bean
    Processor beginAttempt(Failover attempts) {
        return attempts::begin;
    }

    @Bean
    Processor attemptSucceeded(Failover attempts) {
        return attempts::succeeded;
    }

    @Bean
    Processor attemptFailed(Failover attempts) {
        return attempts::failed;
    }

    /**
     * In a provider route's circuit breaker, around its call: rethrows a failure only the provider could cause (the
     * breaker counts it), sets any other aside for {@code raiseSetAside}, after the breaker.
     */
    @Bean
    Processor judgeUpstreamFailure(Failover attempts) {
        return attempts::judge;
    }

    /** In a chain's own circuitBreaker EIP, around a branch: as {@code judgeUpstreamFailure}, for whole branches. */
    @Bean
    Processor judgeBranchFailure(Failover attempts) {
        return attempts::judgeBranch;
    }

    @Bean
    Processor raiseSetAside(Failover attempts) {
        return attempts::raiseSetAside;
    }

    @Bean
    Processor prepareUpstream(UpstreamCall upstream) {
        return upstream::prepare;
    }

    @Bean
    Processor completeUpstream(UpstreamCall upstream) {
        return upstream::complete;
    }
}
