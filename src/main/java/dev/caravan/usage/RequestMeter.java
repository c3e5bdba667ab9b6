package dev.caravan.usage;

import dev.caravan.budget.SpendControl;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Caller;
import dev.caravan.routing.GatewayCall;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chat request's accounting, from its key check to its last byte: exactly one {@link UsageRecord} is made, and
 * its budget admission settled exactly once, however the request ends — answered, refused, failed before or after
 * its stream began, or left by its client. Kept as an exchange property ({@value #PROPERTY}).
 */
public final class RequestMeter {

    public static final String PROPERTY = "caravanMeter";
    /** Characters of output collected before they are tokenized: bounds the memory of thousands of open streams. */
    private static final int COUNT_BLOCK = 8 * 1024;

    private final Metering metering;
    private final String generationId;
    private final Caller caller;
    private final Instant createdAt;
    private final long startNanos;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile GatewayCall call;
    private volatile SpendControl.Admission admission;
    private volatile long firstTokenNanos;
    /**
     * Output as counted here, for when the provider gives no usage: text is collected and tokenized a block at a
     * time, as tokenizing every few-character delta on its own costs more than the rest of the chunk's accounting.
     */
    private long countedOutput;
    private final StringBuilder uncounted = new StringBuilder();

    RequestMeter(Metering metering, String generationId, Caller caller) {
        this.metering = metering;
        this.generationId = generationId;
        this.caller = caller;
        this.createdAt = Instant.now();
        this.startNanos = System.nanoTime();
    }

    public String generationId() {
        return generationId;
    }

    public Caller caller() {
        return caller;
    }

    /** The request has been read: from now on the record names its model, options and attempts. */
    public void attach(GatewayCall gatewayCall) {
        this.call = gatewayCall;
    }

    public void admitted(SpendControl.Admission granted) {
        if (admission != null) {
            // the first admission's reservation would never be settled: a chain that admits twice is broken
            granted.settle(java.math.BigDecimal.ZERO, 0);
            throw new IllegalStateException("spend was admitted twice for one request: fix the chain route");
        }
        this.admission = granted;
    }

    public boolean isAdmitted() {
        return admission != null;
    }

    /** The admission's headers for the response (rate limits, budgets held locally); empty when none applies. */
    public Map<String, String> rateLimitHeaders() {
        SpendControl.Admission granted = admission;
        return granted == null ? Map.of() : granted.headers();
    }

    /** The first token is on its way to the client (streams); the first call counts. */
    public void firstToken() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
    }

    /**
     * Counts output (a stream's delta, or a whole answer's message): text, reasoning and tool-call arguments. The
     * count becomes the usage when the provider reports none.
     */
    public synchronized void countOutput(Message output) {
        if (output == null) {
            return;
        }
        append(output.content() == null ? null : output.content().text());
        append(output.reasoningContent());
        if (output.toolCalls() != null) {
            for (ToolCall toolCall : output.toolCalls()) {
                if (toolCall.function() != null) {
                    append(toolCall.function().arguments());
                }
            }
        }
        if (uncounted.length() >= COUNT_BLOCK) {
            countedOutput += TokenCount.of(uncounted.toString());
            uncounted.setLength(0);
        }
    }

    private void append(String text) {
        if (text != null && !text.isEmpty()) {
            // deltas joined are the text the model wrote: tokenized together, as the provider counts them
            uncounted.append(text);
        }
    }

    /** The output counted so far, the text still waiting included. */
    private synchronized long countedOutput() {
        if (!uncounted.isEmpty()) {
            countedOutput += TokenCount.of(uncounted.toString());
            uncounted.setLength(0);
        }
        return countedOutput;
    }

    /**
     * Served in full. {@code usage} is the provider's, or null when it sent none, in which case the tokens are
     * counted here and the record says so. Returns the cost (USD, null when the model has no prices).
     */
    public BigDecimal succeeded(Usage usage, String finishReason) {
        return finish(UsageRecord.Outcome.SUCCESS, 200, null, usage, finishReason);
    }

    /**
     * Ended with an error: before the answer began ({@code status} is the error's) or during a stream (200), with
     * the usage the provider reported before it failed, if any.
     */
    public void failed(GatewayException error, int status, Usage usageSoFar) {
        finish(UsageRecord.Outcome.ERROR, status, error.kind().code() == null ? error.kind().type()
                : error.kind().code(), usageSoFar, null);
    }

    /**
     * The client went away before the end; what was already generated is still billed by the provider, so the
     * usage it reported, if any, or else the tokens counted here, are charged.
     */
    public void cancelled(Usage usageSoFar) {
        finish(UsageRecord.Outcome.CANCELLED, 200, "client_closed", usageSoFar, null);
    }

    private BigDecimal finish(UsageRecord.Outcome outcome, int status, String errorCode, Usage usage,
                              String finishReason) {
        if (!finished.compareAndSet(false, true)) {
            return null;
        }
        long now = System.nanoTime();
        GatewayCall gatewayCall = call;
        long counted = usage == null ? countedOutput() : 0;
        boolean served = gatewayCall != null && gatewayCall.current() != null
                && (outcome == UsageRecord.Outcome.SUCCESS || counted > 0 || firstTokenNanos != 0);
        boolean estimated = false;
        if (served && usage == null) {
            long input = TokenCount.input(gatewayCall.request());
            usage = Usage.of((int) Math.min(Integer.MAX_VALUE, input),
                    (int) Math.min(Integer.MAX_VALUE, counted), null, null, null);
            estimated = true;
        }
        BigDecimal cost = served ? Cost.of(gatewayCall.current().model().pricing(), usage) : null;
        long tokens = usage == null || usage.totalTokens() == null ? 0 : usage.totalTokens();
        SpendControl.Admission granted = admission;
        if (granted != null) {
            granted.settle(cost == null ? BigDecimal.ZERO : cost, tokens, served && gatewayCall.byok());
        }
        long latency = (now - startNanos) / 1_000_000;
        Long ttft = null;
        if (firstTokenNanos != 0) {
            ttft = (firstTokenNanos - startNanos) / 1_000_000;
        } else if (outcome == UsageRecord.Outcome.SUCCESS) {
            ttft = latency;
        }
        metering.record(UsageRecords.of(this, gatewayCall, served ? usage : null, estimated, cost, outcome, status,
                errorCode, finishReason, latency, ttft));
        return cost;
    }

    Instant createdAt() {
        return createdAt;
    }
}
