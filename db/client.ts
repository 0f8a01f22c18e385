import postgres from 'postgres';

/** The database handle every db/ module takes. Only db/ imports `postgres`. */
export type Sql = postgres.Sql;
/** A transaction handle (same query API as Sql). */
export type Tx = postgres.TransactionSql;
/** Either a pool or a transaction: what query modules accept. */
export type Db = Sql | Tx;

export interface ConnectOptions {
  /** Pool size. */
  max?: number;
  /** Schema to use instead of `public` (tests use one of their own). */
  schema?: string;
}

/** Opens a postgres.js pool. Numeric and bigint columns come back as JS numbers. */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    types: {
      // numeric (1700) and int8 (20) as numbers: costs and token counts stay well within 2^53.
      numeric: {
        to: 1700,
        from: [1700],
        serialize: (v: number) => String(v),
        parse: (v: string) => Number(v),
      },
      bigint: {
        to: 20,
        from: [20],
        serialize: (v: number) => String(v),
        parse: (v: string) => Number(v),
      },
    },
    ...(options.schema ? { connection: { search_path: options.schema } } : {}),
  }) as unknown as Sql;
}
