package dev.caravan.budget;

import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.Map;

/** Placeholder until budgets and rate limits are enforced: admits everything. */
@Component
public class UnlimitedSpend implements SpendControl {

    private static final Admission ADMITTED = new Admission() {
        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public void settle(BigDecimal actualCost, long actualTokens) {
        }
    };

    @Override
    public Admission admit(SpendRequest request) {
        return ADMITTED;
    }
}
