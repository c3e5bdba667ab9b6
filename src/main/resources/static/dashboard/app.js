// The dashboard's entry: sign-in with the admin key, then the charts, providers, budgets and request log.
import { AuthError, get, key } from './api.js';
import { drawAll } from './charts.js';
import * as log from './log.js';

const $ = (id) => document.getElementById(id);

function show(signedIn) {
  $('login').hidden = signedIn;
  $('dashboard').hidden = !signedIn;
  $('controls').hidden = !signedIn;
}

function failed(error) {
  if (error instanceof AuthError) {
    key.clear();
    show(false);
    $('login-error').textContent = `Sign-in refused: ${error.message}`;
    $('login-error').hidden = false;
    return;
  }
  $('load-error').textContent = error.message;
  $('load-error').hidden = false;
}

function tiles(stats) {
  const requests = stats.buckets.reduce((n, b) => n + b.requests, 0);
  const errors = stats.buckets.reduce((n, b) => n + b.errors, 0);
  const cost = stats.buckets.reduce((n, b) => n + Number(b.cost), 0);
  $('total-requests').textContent = String(requests);
  $('total-errors').textContent = String(errors);
  $('error-rate').textContent = requests ? `${((100 * errors) / requests).toFixed(1)} %` : '–';
  $('total-cost').textContent = cost.toFixed(6);
}

function providers(answer) {
  const rows = Object.entries(answer.providers).map(([name, state]) => {
    const tr = document.createElement('tr');
    tr.className = `circuit-${String(state.circuit).toLowerCase()}`;
    const failureRate = state.failureRate < 0 ? 'not enough calls' : `${state.failureRate} %`;
    for (const text of [name, state.circuit, failureRate, state.coolingDownUntil ?? '']) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  document.querySelector('#providers tbody').replaceChildren(...rows);
}

function budgets(answer) {
  const items = answer.data.map((budget) => {
    const spent = Number(budget.spentUsd ?? 0);
    const limit = Number(budget.limitUsd);
    // a sliver for any spend at all, so that a budget in use never looks untouched
    const share = limit > 0 ? Math.min(100, Math.max(spent > 0 ? 1 : 0, (100 * spent) / limit)) : 100;
    const div = document.createElement('div');
    div.className = 'budget';
    div.innerHTML = '<div class="budget-label"></div><div class="bar"><div></div></div>';
    div.querySelector('.budget-label').textContent = `${budget.scope} ${budget.subject} · ${budget.period} · `
      + `${budget.mode}: $${budget.spentUsd ?? '?'} of $${budget.limitUsd}`;
    const bar = div.querySelector('.bar > div');
    bar.style.width = `${share}%`;
    bar.className = share >= 100 ? 'over' : share >= 80 ? 'near' : '';
    return div;
  });
  $('budgets').replaceChildren(...(items.length ? items : [document.createTextNode('No budgets are set.')]));
}

async function load() {
  $('load-error').hidden = true;
  const [seconds, bucket] = $('window').value.split(':').map(Number);
  const to = new Date();
  const from = new Date(to.getTime() - seconds * 1000);
  const stats = await get('/v1/admin/stats', {
    from: from.toISOString(), to: to.toISOString(), bucket, group_by: $('group-by').value,
  });
  show(true);
  tiles(stats);
  drawAll(stats);
  $('models').replaceChildren(...(stats.group_by === 'model' ? stats.groups : []).map((m) => new Option(m)));
  const [routing, limits] = await Promise.all([get('/v1/admin/providers'), get('/v1/admin/budgets'), log.reload()]);
  providers(routing);
  budgets(limits);
  document.body.dataset.loaded = String(Date.now());
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  $('login-error').hidden = true;
  key.set($('admin-key').value.trim());
  load().catch(failed);
});
$('sign-out').addEventListener('click', () => {
  key.clear();
  show(false);
});
for (const id of ['refresh', 'window', 'group-by']) {
  $(id).addEventListener(id === 'refresh' ? 'click' : 'change', () => load().catch(failed));
}
log.setUp(failed);

if (key.get()) {
  load().catch(failed);
} else {
  show(false);
}
