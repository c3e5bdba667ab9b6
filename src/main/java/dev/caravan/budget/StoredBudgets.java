package dev.caravan.budget;

import dev.caravan.controlplane.Change;
import dev.caravan.controlplane.ChangeFeed;
import dev.caravan.controlplane.ControlPlaneProperties;
import dev.caravan.controlplane.FreshCache;
import dev.caravan.identity.Caller;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The budgets of the {@code budgets} table, as the request path asks for them: per request, up to three cached
 * lookups (the key's, its project's, the user's), none of which waits on the database while its entry is in use.
 * "No budget" is cached like a budget, so users without one cost nothing either. Any budget change clears the cache
 * on every replica (budgets are few and change rarely); entries are never older than
 * {@code caravan.control-plane.max-staleness} in any case.
 */
@Component
public class StoredBudgets implements BudgetBook {

    private final FreshCache<Subject, Optional<Budget>> budgets;

    public StoredBudgets(BudgetStore store, ChangeFeed changes, ControlPlaneProperties properties) {
        this.budgets = new FreshCache<>(properties, s -> store.find(s.scope(), s.subject()));
        changes.subscribe(change -> {
            if (change.kind() == Change.Kind.BUDGETS) {
                budgets.invalidateAll();
            }
        });
    }

    @Override
    public List<Budget> budgetsFor(Caller caller, String user) {
        List<Budget> found = new ArrayList<>(3);
        budgets.get(new Subject(Budget.Scope.KEY, caller.keyId())).ifPresent(found::add);
        if (caller.projectId() != null) {
            budgets.get(new Subject(Budget.Scope.PROJECT, caller.projectId())).ifPresent(found::add);
        }
        if (user != null) {
            budgets.get(new Subject(Budget.Scope.USER, user)).ifPresent(found::add);
        }
        return found;
    }

    private record Subject(Budget.Scope scope, String subject) {
    }
}
