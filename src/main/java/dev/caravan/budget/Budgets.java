package dev.caravan.budget;

import dev.caravan.error.ErrorKind;
import dev.caravan.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Budgets as a request meets them: which apply (BYOK requests skip those that do not count them), the admission
 * under all of them at once, the settlement, and the alerts a settlement triggers. While the ledger cannot be
 * reached, a request whose budgets are all {@code onStoreOutage: open} is held in this instance's memory
 * ({@link StoreOutage}); any other is refused.
 */
public final class Budgets {

    private static final Logger LOG = LoggerFactory.getLogger(Budgets.class);

    private final BudgetBook book;
    private final Ledger ledger;
    private final StoreOutage outage;
    private final BudgetAlerts alerts;
    private final Clock clock;

    public Budgets(BudgetBook book, Ledger ledger, StoreOutage outage, BudgetAlerts alerts, Clock clock) {
        this.book = book;
        this.ledger = ledger;
        this.outage = outage;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** Admits the request under its budgets, or throws the 402; null when no budget applies to it. */
    public Reservation reserve(SpendRequest request) {
        List<Budget> budgets = book.budgetsFor(request.caller(), request.user());
        if (budgets.isEmpty()) {
            return null;
        }
        Instant now = clock.instant();
        List<BudgetLine> lines = new ArrayList<>(budgets.size());
        for (Budget budget : budgets) {
            if (!request.byok() || budget.includeByok()) {
                lines.add(BudgetLine.of(budget, now));
            }
        }
        if (lines.isEmpty()) {
            return null;
        }
        String id = UUID.randomUUID().toString();
        long worstCase = Money.nanos(request.worstCaseCost());
        Ledger held = ledger;
        Ledger.Refusal refusal;
        try {
            refusal = ledger.reserve(id, lines, worstCase);
        } catch (RuntimeException e) {
            if (!lines.stream().allMatch(line -> line.budget().onStoreOutage() == Budget.OnStoreOutage.OPEN)) {
                throw unavailable(e);
            }
            held = outage.local(e);
            try {
                refusal = held.reserve(id, lines, worstCase);
            } catch (RuntimeException recordsAwayToo) {
                throw unavailable(recordsAwayToo);
            }
        }
        if (held == ledger) {
            // outside the try: a replay or an alert that throws must not send this admitted request to the local
            // ledger as well
            outage.sharedAnswered(ledger).forEach(alerts::send);
        }
        if (refusal != null) {
            throw BudgetExceeded.of(refusal, worstCase);
        }
        return new Reservation(id, List.copyOf(lines), worstCase, held == ledger ? null : held);
    }

    private static GatewayException unavailable(RuntimeException cause) {
        LOG.warn("budgets could not be checked, request refused: {}", cause.toString());
        return new GatewayException(ErrorKind.BUDGET_UNAVAILABLE, "Budgets cannot be checked right now, so the "
                + "request was not sent to any provider. Retry in a moment.");
    }

    /**
     * Books the request's real cost and sends the alerts it triggers. Never throws: the request is over. A request
     * served on the caller's own key ({@code servedByByok}) after being admitted as gateway-paid (its plan mixed both)
     * is released without charge from the budgets that leave BYOK out.
     */
    public void settle(Reservation reservation, BigDecimal actualCost, boolean servedByByok) {
        Ledger held = reservation.outageLedger() == null ? ledger : reservation.outageLedger();
        try {
            long actual = Money.nanos(actualCost);
            List<BudgetLine> charged = reservation.lines();
            if (servedByByok) {
                charged = reservation.lines().stream().filter(line -> line.budget().includeByok()).toList();
                List<BudgetLine> free = reservation.lines().stream().filter(line -> !line.budget().includeByok())
                        .toList();
                if (!free.isEmpty()) {
                    held.settle(reservation.id(), free, reservation.worstCaseNanos(), 0);
                }
            }
            if (!charged.isEmpty()) {
                held.settle(reservation.id(), charged, reservation.worstCaseNanos(), actual).forEach(alerts::send);
                if (held != ledger) {
                    outage.booked(reservation.id(), charged, actual);
                }
            }
        } catch (RuntimeException e) {
            // the reservation lapses at its lease (Redis) and the cost is in the usage records, which seed the
            // ledger when an account goes missing; the client already has its answer
            LOG.warn("a request's cost could not be booked against its budgets: {}", e.toString());
        }
    }

    /** The current period's spend and limit of one budget, for {@code GET /v1/credits}. */
    public Standing standing(Budget budget) {
        BudgetLine line = BudgetLine.of(budget, clock.instant());
        return new Standing(line, ledger.spent(line));
    }

    /**
     * An admitted request's hold on its budgets.
     *
     * @param outageLedger where it is held when the shared ledger could not be reached; null when held there
     */
    public record Reservation(String id, List<BudgetLine> lines, long worstCaseNanos, Ledger outageLedger) {

        /** The same reservation for some of its budgets only, to settle them apart from the rest. */
        Reservation withLines(List<BudgetLine> some) {
            return lines.equals(some) ? this : new Reservation(id, List.copyOf(some), worstCaseNanos, outageLedger);
        }

        /** {@value StoreOutage#HEADER} naming the budgets when held locally; else none. */
        public Map<String, String> headers() {
            return outageLedger == null ? Map.of() : Map.of(StoreOutage.HEADER,
                    lines.stream().map(line -> line.budget().id()).collect(Collectors.joining(",")));
        }
    }

    public record Standing(BudgetLine line, long spentNanos) {
    }
}
