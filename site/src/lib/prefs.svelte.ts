/**
 * What the dashboard remembers per browser: the chosen campaign tab, the filters and the sort.
 * Stored in localStorage on every change, so a reload comes back to the same view.
 */
const KEY = 'sg.dashboard.v1';

export const STATUS_FILTERS = {
  all: { label: 'Any status', statuses: '' },
  active: {
    label: 'In progress',
    statuses: 'queued,planning,implementing,validating,deploying,sleeping',
  },
  draft: { label: 'Draft', statuses: 'draft' },
  deployed: { label: 'Deployed', statuses: 'deployed' },
  failed: { label: 'Failed', statuses: 'failed' },
  cancelled: { label: 'Cancelled', statuses: 'cancelled' },
} as const;
export type StatusFilter = keyof typeof STATUS_FILTERS;

export const SORT_OPTIONS = {
  '-created': 'Newest first',
  created: 'Oldest first',
  '-updated': 'Recently updated',
  title: 'Title A–Z',
  '-title': 'Title Z–A',
  status: 'Status',
  '-progress': 'Most progress',
  progress: 'Least progress',
} as const;
export type SortOption = keyof typeof SORT_OPTIONS;

export interface DashboardPrefs {
  /** A campaign id, or 'all'. */
  campaign: string;
  status: StatusFilter;
  q: string;
  sort: SortOption;
  archived: boolean;
}

const DEFAULTS: DashboardPrefs = {
  campaign: 'all',
  status: 'all',
  q: '',
  sort: '-created',
  archived: false,
};

function load(): DashboardPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<DashboardPrefs>;
    return {
      campaign: typeof raw.campaign === 'string' ? raw.campaign : DEFAULTS.campaign,
      status: raw.status && raw.status in STATUS_FILTERS ? raw.status : DEFAULTS.status,
      q: typeof raw.q === 'string' ? raw.q : DEFAULTS.q,
      sort: raw.sort && raw.sort in SORT_OPTIONS ? raw.sort : DEFAULTS.sort,
      archived: raw.archived === true,
    };
  } catch {
    return { ...DEFAULTS };
  }
}

/** The dashboard's remembered view; assign fields and call save(). */
export const prefs: DashboardPrefs = $state(load());

export function savePrefs(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify($state.snapshot(prefs)));
  } catch {
    // storage refused: the view just is not remembered
  }
}

/** The view as URL query parameters, defaults left out: a reload or a shared link keeps it. */
export function prefsQuery(p: DashboardPrefs): string {
  const q = new URLSearchParams();
  if (p.campaign !== DEFAULTS.campaign) q.set('campaign', p.campaign);
  if (p.status !== DEFAULTS.status) q.set('status', p.status);
  if (p.q.trim()) q.set('q', p.q);
  if (p.sort !== DEFAULTS.sort) q.set('sort', p.sort);
  if (p.archived) q.set('archived', '1');
  return q.toString();
}

/**
 * A link that names a view wins over what this browser remembers: when it carries any of the
 * view's parameters, it sets all of them (a missing one is its default). True when it did.
 */
export function applyQuery(
  p: DashboardPrefs,
  params: Pick<URLSearchParams, 'get' | 'has'>,
): boolean {
  const keys = ['campaign', 'status', 'q', 'sort', 'archived'];
  if (!keys.some((k) => params.has(k))) return false;
  const status = params.get('status') ?? '';
  const sort = params.get('sort') ?? '';
  p.campaign = params.get('campaign') || DEFAULTS.campaign;
  p.status = status in STATUS_FILTERS ? (status as StatusFilter) : DEFAULTS.status;
  p.q = params.get('q') ?? '';
  p.sort = sort in SORT_OPTIONS ? (sort as SortOption) : DEFAULTS.sort;
  p.archived = params.get('archived') === '1';
  return true;
}
