package dev.caravan.budget;

import dev.caravan.auth.Caller;
import org.springframework.stereotype.Component;

import java.util.List;

/** Placeholder until budgets are stored: none applies. */
@Component
public class NoBudgets implements BudgetBook {

    @Override
    public List<Budget> budgetsFor(Caller caller, String user) {
        return List.of();
    }
}
