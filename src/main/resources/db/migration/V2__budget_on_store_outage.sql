-- what a request meeting the budget gets while Redis (the shared ledger) cannot be reached: closed (refused, 503) or
-- open (served against the instance's memory, the overspend bounded and reported); see dev.caravan.budget.StoreOutage
ALTER TABLE budgets ADD COLUMN on_store_outage VARCHAR(8) DEFAULT 'closed' NOT NULL;
