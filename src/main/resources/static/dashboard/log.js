// The request log (GET /v1/admin/requests): filters, cursor paging ("Older requests") and one request's detail.
import { get } from './api.js';

const table = () => document.querySelector('#log tbody');
let filters = {};
let nextCursor = null;

const ms = (value) => (value === undefined || value === null ? '–' : `${value} ms`);
const usd = (value) => (value === undefined || value === null ? '–' : `$${value}`);

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function row(record) {
  const tr = document.createElement('tr');
  tr.className = record.outcome === 'error' ? 'failed' : '';
  tr.dataset.id = record.id;
  const model = record.requested_model && record.requested_model !== record.model
    ? `${record.requested_model} → ${record.model}` : (record.model ?? '–');
  tr.append(cell(new Date(record.created_at).toLocaleString()), cell(model), cell(record.provider_name ?? '–'),
    cell(String(record.status)), cell(String(record.attempts?.length ?? 0)), cell(ms(record.generation_time)),
    cell(ms(record.latency)), cell(`${record.tokens_prompt ?? '–'} / ${record.tokens_completion ?? '–'}`),
    cell(usd(record.total_cost)));
  tr.addEventListener('click', () => showDetail(record));
  return tr;
}

async function page(append) {
  const answer = await get('/v1/admin/requests', { ...filters, limit: 50, cursor: append ? nextCursor : null });
  if (!append) {
    table().replaceChildren();
  }
  table().append(...answer.data.map(row));
  nextCursor = answer.next_cursor;
  document.getElementById('log-more').hidden = !nextCursor;
}

/** The newest page under the form's filters. */
export function reload() {
  const form = new FormData(document.getElementById('log-filters'));
  filters = Object.fromEntries([...form.entries()].map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
  return page(false);
}

export function setUp(onError) {
  document.getElementById('log-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    reload().catch(onError);
  });
  document.getElementById('log-more').addEventListener('click', () => page(true).catch(onError));
}

function showDetail(record) {
  document.getElementById('detail-id').textContent = record.id;
  const fields = document.getElementById('detail-fields');
  fields.replaceChildren();
  const shown = {
    time: record.created_at, 'model asked': record.requested_model, 'model served': record.model,
    provider: record.provider_name, 'provider model': record.provider_model, status: record.status,
    outcome: record.outcome, error: record.error_code, key: record.key_id, project: record.project_id,
    user: record.user, tags: record.tags?.join(', '), streamed: record.streamed, 'finish reason': record.finish_reason,
    'duration': ms(record.generation_time), TTFT: ms(record.latency),
    tokens: `${record.tokens_prompt ?? '–'} in, ${record.tokens_completion ?? '–'} out`
      + (record.native_tokens_cached ? `, ${record.native_tokens_cached} cached` : '')
      + (record.tokens_estimated ? ' (estimated)' : ''),
    cost: usd(record.total_cost),
  };
  for (const [name, value] of Object.entries(shown)) {
    if (value !== undefined && value !== null && value !== '') {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = String(value);
      fields.append(dt, dd);
    }
  }
  const attempts = document.querySelector('#detail-attempts tbody');
  attempts.replaceChildren(...(record.attempts ?? []).map((a, i) => {
    const tr = document.createElement('tr');
    tr.className = a.success ? 'served' : 'failed';
    const took = a.startTime && a.endTime ? String(a.endTime - a.startTime) : '–';
    tr.append(cell(String(i + 1)), cell(a.provider), cell(a.model), cell(a.success ? 'served' : 'failed'),
      cell(a.statusCode ?? '–'), cell(a.error ?? ''), cell(took));
    return tr;
  }));
  document.getElementById('detail').showModal();
}
