import { trainForecast, type Forecast, type ForecastModel } from '../../core/learning/forecast.ts';
import type { Sql } from '../../db/client.ts';
import {
  currentRunSetup,
  forecastHistory,
  historyVersion,
  resourceCountOf,
  type HistoryRow,
} from '../../db/forecast-data.ts';

/**
 * The success forecast, kept in this process: trained on first use, retrained shortly after a
 * run finishes (the run lifecycle's `onFinished`, wired at the composition root) and whenever
 * the history changed under it (runs finished by another process: checked at most every
 * `checkEveryMs`). A prediction never waits for a retrain once a model exists.
 */
export interface DraftInput {
  request: string;
  category?: string | undefined;
  complexity?: string | undefined;
  targetFormat?: string | undefined;
  model?: string | undefined;
  resources?: string[] | undefined;
}

export interface Forecaster {
  /** Goes up each time a run finishes here (caches of history compare it). */
  readonly version: number;
  predict(draft: DraftInput): Promise<Forecast>;
  /** The current model (trained now if there is none yet). */
  model(): Promise<ForecastModel>;
  /** A run finished: retrain soon (several finishing at once cause one retrain). */
  runFinished(): void;
  /** Retrains now and returns the new model. */
  retrain(): Promise<ForecastModel>;
  close(): void;
}

export function createForecaster(o: {
  sql: Sql;
  defaultProfile: string;
  checkEveryMs?: number;
  debounceMs?: number;
  onError?: (e: unknown) => void;
}): Forecaster {
  const checkEveryMs = o.checkEveryMs ?? 30_000;
  let current: ForecastModel | null = null;
  let version = '';
  let training: Promise<ForecastModel> | null = null;
  let checkedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let finished = 0;
  // Finished runs do not change, so a retrain loads only the runs that finished since the last
  // load; a full reload every FULL_RELOAD_MS picks up anything else (a repair, a deletion).
  let history: HistoryRow[] = [];
  let loadedAt = 0;
  const FULL_RELOAD_MS = 10 * 60_000;
  async function load(): Promise<HistoryRow[]> {
    if (!history.length || Date.now() - loadedAt > FULL_RELOAD_MS) {
      history = await forecastHistory(o.sql);
      loadedAt = Date.now();
      return history;
    }
    const after = history.reduce((m, r) => Math.max(m, r.finishedMicros), 0);
    history = history.concat(await forecastHistory(o.sql, after));
    return history;
  }
  const report = (e: unknown) => (o.onError ?? (() => {}))(e);

  function retrain(): Promise<ForecastModel> {
    training ??= (async () => {
      try {
        const v = await historyVersion(o.sql);
        const model = trainForecast(await load());
        current = model;
        version = v;
        checkedAt = Date.now();
        return model;
      } finally {
        training = null;
      }
    })();
    return training;
  }

  async function model(): Promise<ForecastModel> {
    if (!current) return retrain();
    if (Date.now() - checkedAt > checkEveryMs) {
      checkedAt = Date.now();
      void historyVersion(o.sql)
        .then((v) => (v !== version ? retrain() : undefined))
        .catch(report);
    }
    return current;
  }

  return {
    get version() {
      return finished;
    },
    model,
    retrain,
    runFinished() {
      finished++;
      clearTimeout(timer);
      timer = setTimeout(() => void retrain().catch(report), o.debounceMs ?? 1_000);
      timer.unref();
    },
    async predict(d) {
      const [m, setup, resources] = await Promise.all([
        model(),
        currentRunSetup(o.sql),
        d.resources
          ? Promise.resolve(new Set(d.resources).size)
          : resourceCountOf(o.sql, d.request),
      ]);
      return m.predict({
        category: d.category ?? 'general',
        complexity: d.complexity ?? 'simple',
        profile: d.targetFormat ?? o.defaultProfile,
        model: d.model ?? 'default',
        promptVersion: setup?.promptVersion ?? 'unknown',
        requestLength: [...d.request].length,
        resourceCount: resources,
      });
    },
    close() {
      clearTimeout(timer);
    },
  };
}
