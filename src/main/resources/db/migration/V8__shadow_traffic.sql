-- Shadow traffic (routes/chains/shadow.yaml): a request mirrored to a candidate model leaves its own usage record,
-- whose shadow_of is the generation id of the primary request it copies (null on every other record). GET /v1/report
-- tells the two apart (group_by=traffic, and shadow_* sums on every row); budgets sum only records whose shadow_of is
-- null unless caravan.chains.shadow.count-against-budget is on.
ALTER TABLE usage_records ADD COLUMN shadow_of VARCHAR(48);
