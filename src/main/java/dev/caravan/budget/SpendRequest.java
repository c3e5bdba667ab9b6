package dev.caravan.budget;

import dev.caravan.identity.Caller;

import java.math.BigDecimal;

/**
 * What a request may cost at most, asked for before any provider is called.
 *
 * @param caller          who calls
 * @param user            the request's {@code user} routing option, or null
 * @param worstCaseCost   USD: estimated input tokens plus the output cap, at the price of the most expensive model
 *                        the request may be served by (fallbacks included)
 * @param byok            the request is paid with the caller's own provider key
 */
public record SpendRequest(Caller caller, String user, BigDecimal worstCaseCost, boolean byok) {
}
