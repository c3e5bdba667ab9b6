package dev.caravan.accounting;

import dev.caravan.budget.SpendControl;
import dev.caravan.canonical.Message;
import dev.caravan.canonical.ToolCall;
import dev.caravan.canonical.Usage;
import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.identity.Caller;
import dev.caravan.stream.StreamOutcome;
import dev.caravan.tracing.RequestTrace;
import dev.caravan.usage.Cost;
import dev.caravan.usage.TokenCount;
import dev.caravan.usage.UsageRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One chat request's accounting, from its key check to its last byte: exactly one {@link UsageRecord} is made, and
 * its budget admission settled exactly once, however the request ends — answered, refused, failed before or after
 * its stream began, or left by its client. Opened by the {@code meterRequest} step and kept as an exchange property
 * ({@value #PROPERTY}); settled by the {@code settleRequest} step ({@link Settlement}) or, for a stream, by the
 * stream's end, which it hears of as the stream's {@link StreamOutcome}.
 */
public final class RequestMeter implements StreamOutcome {

    public static final String PROPERTY = "caravanMeter";
    /** Characters of output collected before they are tokenized: bounds the memory of thousands of open streams. */
    private static final int COUNT_BLOCK = 8 * 1024;

    private final Metering metering;
    private final String generationId;
    private final Caller caller;
    private final String api;
    private final Instant createdAt;
    private final long startNanos;
    /** When the request arrived (before its key check, to the millisecond): where its overhead starts. */
    private final long arrivalNanos;
    /** The request's spans, ended with its record ({@link RequestTrace#NONE} when tracing is off). */
    private final RequestTrace trace;
    /** The request's bodies as they are kept for its project, or null when they are not. */
    private final BodyCapture bodies;
    /** For a shadow copy, the primary request's generation id; null for a client's own request. */
    private final String shadowOf;
    /** The request takes its caller's budgets and rate limits ({@code admitSpend}): a shadow copy only if told to. */
    private final boolean countsSpend;
    private volatile long overheadNanos;
    private volatile ErrorKind errorKind;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Served served;
    private volatile SpendControl.Admission admission;
    private volatile long firstTokenNanos;
    /** What the request is charged, as {@link #tally} found it when its outcome became known. */
    private boolean tallyCharged;
    private Usage tallyUsage;
    private boolean tallyEstimated;
    private BigDecimal tallyCost;
    /** A whole answer was reported ({@link #answered}) and waits for {@link #settle}. */
    private boolean answered;
    private String finishReason;
    /**
     * Output as counted here, for when the provider gives no usage: text is collected and tokenized a block at a
     * time, as tokenizing every few-character delta on its own costs more than the rest of the chunk's accounting.
     */
    private long countedOutput;
    private final StringBuilder uncounted = new StringBuilder();

    RequestMeter(Metering metering, String generationId, Caller caller, String api, long arrivalNanos,
                 RequestTrace trace, BodyCapture bodies) {
        this(metering, generationId, caller, api, arrivalNanos, trace, bodies, null, true);
    }

    RequestMeter(Metering metering, String generationId, Caller caller, String api, long arrivalNanos,
                 RequestTrace trace, BodyCapture bodies, String shadowOf, boolean countsSpend) {
        this.shadowOf = shadowOf;
        this.countsSpend = countsSpend;
        this.trace = trace;
        this.bodies = bodies;
        this.metering = metering;
        this.generationId = generationId;
        this.caller = caller;
        this.api = api;
        this.createdAt = Instant.now();
        this.startNanos = System.nanoTime();
        this.arrivalNanos = Math.min(arrivalNanos, startNanos);
    }

    public String generationId() {
        return generationId;
    }

    public Caller caller() {
        return caller;
    }

    String api() {
        return api;
    }

    /** The primary request's generation id when this meters a shadow copy of it, else null. */
    public String shadowOf() {
        return shadowOf;
    }

    /** False for a shadow copy that must not take its caller's budgets and rate limits. */
    public boolean countsSpend() {
        return countsSpend;
    }

    /** How the request was routed: from now on its record names its model, options and attempts. */
    public void served(Served how) {
        this.served = how;
    }

    /** Admission is the failover chain's: once per request, before its first attempt ({@code admitSpend}). */
    void admitted(SpendControl.Admission granted) {
        if (admission != null) {
            // the first admission's reservation would never be settled: a chain that admits twice is broken
            granted.settle(BigDecimal.ZERO, 0);
            throw new IllegalStateException("spend was admitted twice for one request: fix the chain route");
        }
        this.admission = granted;
    }

    /**
     * The request, admitted once, came back to the failover chain with other models (a hand-written chain's next
     * branch): its admission now covers {@code wider}'s worst case too. Rate limits are not taken again.
     */
    void widen(SpendControl control, dev.caravan.budget.SpendRequest wider) {
        if (admission == null) {
            throw new IllegalStateException("spend was widened before it was admitted: fix the chain route");
        }
        this.admission = control.widen(admission, wider);
    }

    /**
     * The response head is about to go out (the request's exit step; a stream's head before its first event):
     * returns the gateway's own time so far, from the request's arrival less {@code providerWaitNanos}, the time
     * spent waiting on providers, and keeps it for the request's {@link SettledRequest}.
     */
    public long committed(long providerWaitNanos) {
        long overhead = Math.max(0, System.nanoTime() - arrivalNanos - providerWaitNanos);
        this.overheadNanos = overhead;
        return overhead;
    }

    /** The admission's headers for the response (rate limits, budgets held locally); empty when none applies. */
    public Map<String, String> rateLimitHeaders() {
        SpendControl.Admission granted = admission;
        return granted == null ? Map.of() : granted.headers();
    }

    /** The first token is on its way to the client (streams); the first call counts. */
    @Override
    public void firstChunk() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
    }

    /**
     * Counts output (a stream's delta, or a whole answer's message): text, reasoning and tool-call arguments. The
     * count becomes the usage when the provider reports none.
     */
    @Override
    public synchronized void output(Message output) {
        if (output == null) {
            return;
        }
        texts(output, this::append);
        if (uncounted.length() >= COUNT_BLOCK) {
            countedOutput += TokenCount.of(uncounted.toString());
            uncounted.setLength(0);
        }
    }

    /** The request's bodies are kept ({@link BodyLogging}): a whole answer's text should be shown to {@link #keep}. */
    public boolean keepsBodies() {
        return bodies != null;
    }

    /** A whole answer's message whose usage the provider reported: kept in the bodies without being counted. */
    public synchronized void keep(Message output) {
        if (bodies != null && output != null) {
            texts(output, text -> {
                if (text != null && !text.isEmpty()) {
                    bodies.append(text);
                }
            });
        }
    }

    /** The text, reasoning and tool-call arguments of {@code output}, in that order. */
    private static void texts(Message output, Consumer<String> sink) {
        sink.accept(output.content() == null ? null : output.content().text());
        sink.accept(output.reasoningContent());
        if (output.toolCalls() != null) {
            for (ToolCall toolCall : output.toolCalls()) {
                if (toolCall.function() != null) {
                    sink.accept(toolCall.function().arguments());
                }
            }
        }
    }

    private void append(String text) {
        if (text != null && !text.isEmpty()) {
            // deltas joined are the text the model wrote: tokenized together, as the provider counts them
            uncounted.append(text);
            if (bodies != null) {
                bodies.append(text);
            }
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

    /** The model's price of {@code usage} (USD; null when the model has no prices or nothing was served). */
    public BigDecimal cost(Usage usage) {
        Served how = served;
        return how == null || how.model() == null ? null : Cost.of(how.model().pricing(), usage);
    }

    /**
     * A whole answer is ready: {@code usage} is the provider's, or null when it sent none, in which case the tokens
     * counted here are used and the record says so. Returns the cost (USD, null when the model has no prices) for
     * the answer to show; the record is written and the budget settled by {@link #settle}, the request's exit.
     */
    public BigDecimal answered(Usage usage, String finishReason) {
        tally(UsageRecord.Outcome.SUCCESS, usage);
        this.finishReason = finishReason;
        this.answered = true;
        return tallyCost;
    }

    /** The request's exit for a whole answer: writes the record of what {@link #answered} reported. */
    public void settle() {
        if (!answered) {
            throw new IllegalStateException("a request was settled before its answer was reported: fix the API route");
        }
        if (finished.compareAndSet(false, true)) {
            write(UsageRecord.Outcome.SUCCESS, 200, null, finishReason);
        }
    }

    /** A stream ended with its finish: settled at once, as a stream is its own exit. */
    @Override
    public void completed(Usage usage, String finishReason) {
        finish(UsageRecord.Outcome.SUCCESS, 200, null, usage, finishReason);
    }

    /** A stream failed after its status went out. */
    @Override
    public void failed(GatewayException error, Usage usageSoFar) {
        failed(error, 200, usageSoFar);
    }

    /**
     * Ended with an error: before the answer began ({@code status} is the error's) or during a stream (200), with
     * the usage the provider reported before it failed, if any.
     */
    public void failed(GatewayException error, int status, Usage usageSoFar) {
        if (errorKind == null) {
            errorKind = error.kind();
        }
        finish(UsageRecord.Outcome.ERROR, status, error.kind().code() == null ? error.kind().type()
                : error.kind().code(), usageSoFar, null);
    }

    /**
     * The client went away before the end; what was already generated is still billed by the provider, so the
     * usage it reported, if any, or else the tokens counted here, are charged.
     */
    @Override
    public void cancelled(Usage usageSoFar) {
        finish(UsageRecord.Outcome.CANCELLED, 200, "client_closed", usageSoFar, null);
    }

    private void finish(UsageRecord.Outcome outcome, int status, String errorCode, Usage usage, String reason) {
        if (finished.compareAndSet(false, true)) {
            tally(outcome, usage);
            write(outcome, status, errorCode, reason);
        }
    }

    /**
     * What the request is charged: the provider's usage, or the tokens counted here when it served without
     * reporting any; nothing when no provider served.
     */
    private void tally(UsageRecord.Outcome outcome, Usage usage) {
        Served how = served;
        long counted = usage == null ? countedOutput() : 0;
        boolean charged = how != null && how.attempted()
                && (outcome == UsageRecord.Outcome.SUCCESS || counted > 0 || firstTokenNanos != 0);
        boolean estimated = false;
        if (charged && usage == null) {
            long input = TokenCount.input(how.request());
            usage = Usage.of((int) Math.min(Integer.MAX_VALUE, input),
                    (int) Math.min(Integer.MAX_VALUE, counted), null, null, null);
            estimated = true;
        }
        this.tallyCharged = charged;
        this.tallyUsage = charged ? usage : null;
        this.tallyEstimated = estimated;
        // a cached answer keeps its usage on record, at no cost: no provider was paid for it
        this.tallyCost = !charged ? null : how.fromCache() ? BigDecimal.ZERO : Cost.of(how.model().pricing(), usage);
    }

    /** Settles the admission and writes the one usage record, with what {@link #tally} found. */
    private void write(UsageRecord.Outcome outcome, int status, String errorCode, String reason) {
        long now = System.nanoTime();
        Usage usage = tallyUsage;
        BigDecimal cost = tallyCost;
        long tokens = usage == null || usage.totalTokens() == null || served.fromCache() ? 0 : usage.totalTokens();
        SpendControl.Admission granted = admission;
        if (granted != null) {
            granted.settle(cost == null ? BigDecimal.ZERO : cost, tokens, tallyCharged && served.byok());
        }
        long latency = (now - startNanos) / 1_000_000;
        Long ttft = null;
        if (firstTokenNanos != 0) {
            ttft = (firstTokenNanos - startNanos) / 1_000_000;
        } else if (outcome == UsageRecord.Outcome.SUCCESS) {
            ttft = latency;
        }
        UsageRecord record = UsageRecords.of(this, served, usage, tallyEstimated, cost, outcome, status, errorCode,
                reason, latency, ttft, bodies == null ? null : bodies.finish(served == null ? null : served.request()));
        trace.settled(record.id(), record.requestedModel(), record.provider(), record.providerModel(),
                record.inputTokens(), record.outputTokens(), status, outcome.name().toLowerCase(java.util.Locale.ROOT),
                outcome == UsageRecord.Outcome.ERROR ? errorCode : null);
        metering.record(new SettledRequest(record, api,
                outcome == UsageRecord.Outcome.ERROR ? errorKind : null, now - arrivalNanos,
                firstTokenNanos == 0 ? 0 : firstTokenNanos - arrivalNanos, overheadNanos));
    }

    Instant createdAt() {
        return createdAt;
    }
}
