package dev.caravan.budget;

import dev.caravan.identity.Caller;

import java.util.List;

/** Where budgets are looked up: the ones that apply to a request of {@code caller} for end user {@code user}. */
public interface BudgetBook {

    /** The key's, the key's project's and the user's budgets (user may be null); empty when none is set. */
    List<Budget> budgetsFor(Caller caller, String user);
}
