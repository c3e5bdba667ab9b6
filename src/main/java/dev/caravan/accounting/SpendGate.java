package dev.caravan.accounting;

import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import dev.caravan.format.PassThrough;
import dev.caravan.format.ProviderFormat;
import dev.caravan.format.ProviderFormats;
import dev.caravan.identity.Caller;
import dev.caravan.budget.BudgetBook;
import dev.caravan.budget.SpendControl;
import dev.caravan.budget.SpendRequest;
import dev.caravan.routing.Attempt;
import dev.caravan.routing.AttemptPlan;
import dev.caravan.routing.GatewayCall;
import dev.caravan.usage.TokenCount;
import dev.caravan.usage.WorstCase;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The failover chain's step between planning and the first provider call ({@code spend.admit}): applies the
 * request's {@code maxCost} to the plan (refusing the request when its first choice is above it, skipping fallbacks
 * that are) and asks {@link SpendControl} to admit the request's worst case against budgets and rate limits. Nothing
 * is counted when neither a ceiling nor a budget applies (rate limits charge real tokens when a request ends), so
 * ordinary requests pay nothing for it. The admission goes to the request's {@link RequestMeter}, which settles it
 * at the request's exit; the plan is marked admitted, which the chain checks before any attempt begins.
 */
@Component("spend")
public class SpendGate {

    private final SpendControl control;
    private final BudgetBook budgets;
    private final ProviderFormats formats;

    public SpendGate(SpendControl control, BudgetBook budgets, ProviderFormats formats) {
        this.control = control;
        this.budgets = budgets;
        this.formats = formats;
    }

    public void admit(Exchange exchange) {
        GatewayCall call = exchange.getProperty(GatewayCall.PROPERTY, GatewayCall.class);
        AttemptPlan plan = exchange.getProperty(AttemptPlan.PROPERTY, AttemptPlan.class);
        RequestMeter meter = exchange.getProperty(RequestMeter.PROPERTY, RequestMeter.class);
        if (!meter.countsSpend()) {
            // a shadow copy is the gateway's evaluation, not the caller's spend: no budget, rate limit or maxCost
            plan.admitted();
            return;
        }
        Caller caller = meter.caller();
        String user = call.options().user();
        BigDecimal maxCost = call.options().maxCost();
        // a hand-written chain's next branch, back with other models after its plan ran out: admitted once, its
        // reservation widened to the new models' worst case (maxCost applies to them as to the first)
        boolean again = plan.isAdmitted();
        // rate limits charge a request's real tokens when it ends: only budgets and maxCost need its worst case
        if (maxCost == null && budgets.budgetsFor(caller, user).isEmpty()) {
            if (!again) {
                meter.admitted(control.admit(new SpendRequest(caller, user, BigDecimal.ZERO, false)));
            }
            plan.admitted();
            return;
        }
        long input = TokenCount.inputUpperBound(call.request());
        // each attempt's worst case once: for a format like Anthropic's it means translating the request
        Map<Attempt, BigDecimal> worstCosts = new IdentityHashMap<>();
        Function<Attempt, BigDecimal> worstOf = attempt -> worstCosts.computeIfAbsent(attempt,
                planned -> worstCost(call, planned, input));
        if (maxCost != null) {
            applyCeiling(call, plan, input, maxCost, worstOf);
        }
        BigDecimal worst = BigDecimal.ZERO;
        boolean allByok = true;
        for (Attempt attempt : plan.remaining()) {
            worst = worst.max(worstOf.apply(attempt));
            allByok &= call.options().byok().has(attempt.provider());
        }
        SpendRequest request = new SpendRequest(caller, user, worst, allByok);
        if (again) {
            meter.widen(control, request);
        } else {
            meter.admitted(control.admit(request));
        }
        plan.admitted();
    }

    /** The attempt's model at its most, counted on the request as the attempt's format sends it. */
    private BigDecimal worstCost(GatewayCall call, Attempt attempt, long input) {
        return WorstCase.cost(attempt.model().pricing(), sentInput(call, attempt, input),
                sentOutput(call, attempt, input));
    }

    /** The request's input plus what the attempt's format adds to it (Anthropic's tool-use prompt). */
    private long sentInput(GatewayCall call, Attempt attempt, long input) {
        return input + formats.get(attempt.format()).addedInputTokens(call.request());
    }

    /**
     * The most output the provider may bill: what the format sends, after its adjustments (Anthropic raises
     * {@code max_tokens} above a thinking budget; Gemini thinks beside its limit), not the client's {@code max_tokens};
     * for an attempt that passes the client's body through, what that body allows.
     */
    private long sentOutput(GatewayCall call, Attempt attempt, long input) {
        ProviderFormat format = formats.get(attempt.format());
        PassThrough passThrough = call.passesThrough(attempt) ? format.passThrough() : null;
        // a passed-through body is sent with the client's own limits, which no mapper raises
        return passThrough != null ? passThrough.billableOutputTokens(call.request())
                : format.billableOutputTokens(call.request(), WorstCase.outputCap(attempt.model(), input));
    }

    private void applyCeiling(GatewayCall call, AttemptPlan plan, long input, BigDecimal maxCost,
                              Function<Attempt, BigDecimal> worstOf) {
        Attempt first = plan.remaining().get(0);
        BigDecimal firstCost = worstOf.apply(first);
        if (firstCost.compareTo(maxCost) > 0) {
            throw new GatewayException(ErrorKind.MAX_COST_EXCEEDED, "The request could cost up to $"
                    + firstCost.toPlainString() + " on " + first.model().id() + " (about "
                    + sentInput(call, first, input) + " input tokens and up to " + sentOutput(call, first, input)
                    + " output tokens), above its maxCost of $"
                    + maxCost.toPlainString() + ". Lower max_tokens or raise maxCost.", "maxCost", null, null);
        }
        plan.skipPlanned(attempt -> worstOf.apply(attempt).compareTo(maxCost) > 0,
                "worst case above maxCost");
    }
}
