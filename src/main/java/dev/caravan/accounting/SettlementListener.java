package dev.caravan.accounting;

/**
 * Hears of every settled request, once, right after its usage record was handed to the usage sink: the one place
 * metrics and the access log read requests from. Called on the thread that settled it (a request thread, or for a
 * stream the thread writing its end), so it must not block and must not throw; what it costs, every request pays.
 */
public interface SettlementListener {

    void settled(SettledRequest request);
}
