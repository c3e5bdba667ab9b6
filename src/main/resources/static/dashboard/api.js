// The admin API, called with the admin key the sign-in keeps in session storage (this tab only, gone when it closes).
const STORAGE = 'caravan.adminKey';

export class AuthError extends Error {}

export const key = {
  get: () => sessionStorage.getItem(STORAGE),
  set: (value) => sessionStorage.setItem(STORAGE, value),
  clear: () => sessionStorage.removeItem(STORAGE),
};

/** GET a path of the admin API; a refused key is an AuthError, any other failure carries the API's own message. */
export async function get(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const url = query.size ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Authorization: `Bearer ${key.get()}` } });
  const body = await response.json().catch(() => null);
  if (response.status === 401 || response.status === 403) {
    throw new AuthError(body?.error?.message ?? `refused (HTTP ${response.status})`);
  }
  if (!response.ok) {
    throw new Error(body?.error?.message ?? `HTTP ${response.status} from ${path}`);
  }
  return body;
}
