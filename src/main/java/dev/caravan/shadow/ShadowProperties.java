package dev.caravan.shadow;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Shadow traffic ({@code caravan.chains.shadow.*}): requests a chain mirrors to a candidate model with Camel's
 * {@code wireTap} (routes/chains/shadow.yaml, whose models are the placeholders {@code caravan.chains.shadow.primary}
 * and {@code caravan.chains.shadow.candidate}).
 *
 * @param countAgainstBudget whether a shadow copy takes its caller's budgets and rate limits as the caller's own
 *                           requests do (admitted, reserved, charged, refused when over); off: it never does, and the
 *                           budgets' sums of recorded spend leave shadow records out
 * @param threads            the most shadow copies running at once (each waits on its provider on its own virtual
 *                           thread)
 * @param queueSize          shadow copies waiting for a free thread; one more is dropped and counted
 *                           ({@code caravan.shadow.dropped}), never waited for: the client's request goes on at once
 */
@Validated
@ConfigurationProperties("caravan.chains.shadow")
public record ShadowProperties(
        @DefaultValue("false") boolean countAgainstBudget,
        @Min(1) @Max(1024) @DefaultValue("16") int threads,
        @Min(0) @Max(100000) @DefaultValue("256") int queueSize) {
}
