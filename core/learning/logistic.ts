/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on sparse rows: every row
 * has the same number of entries (one per feature group: a one-hot index or a numeric value), so
 * the Hessian costs nnz² per row, not d². The inverse Hessian at the optimum gives the Laplace
 * approximation of the weights' posterior, hence an interval for each prediction.
 */
export interface SparseRows {
  /** Number of features (weights), the intercept included. */
  dim: number;
  /** Entries per row. */
  width: number;
  /** Row r's feature indices: index[r * width + j]. */
  index: Int32Array;
  value: Float64Array;
  /** Outcomes, 0 or 1. */
  y: Uint8Array;
}

export interface LogisticModel {
  weights: Float64Array;
  /** (XᵀWX + λI)⁻¹ at the optimum, row-major dim × dim. */
  covariance: Float64Array;
  iterations: number;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function linear(
  w: Float64Array,
  idx: ArrayLike<number>,
  val: ArrayLike<number>,
  off = 0,
  width = idx.length,
): number {
  let z = 0;
  for (let j = 0; j < width; j++) z += w[idx[off + j]!]! * val[off + j]!;
  return z;
}

/** Cholesky solve of the symmetric positive definite system A x = b (A is overwritten). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / a[j * n + j]!;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * x[k]!;
    x[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * x[k]!;
    x[i] = s / a[i * n + i]!;
  }
  return x;
}

function hessian(
  rows: SparseRows,
  w: Float64Array,
  lambda: number,
): { h: Float64Array; g: Float64Array } {
  const { dim, width, index, value, y } = rows;
  const h = new Float64Array(dim * dim);
  const g = new Float64Array(dim);
  const n = y.length;
  const idx = new Int32Array(width);
  const val = new Float64Array(width);
  for (let r = 0; r < n; r++) {
    const off = r * width;
    let z = 0;
    for (let j = 0; j < width; j++) {
      idx[j] = index[off + j]!;
      val[j] = value[off + j]!;
      z += w[idx[j]!]! * val[j]!;
    }
    const p = sigmoid(z);
    const e = p - y[r]!;
    const q = p * (1 - p);
    // Upper triangle only (mirrored below): the Hessian is symmetric.
    for (let j = 0; j < width; j++) {
      const ij = idx[j]!;
      const qv = q * val[j]!;
      g[ij]! += e * val[j]!;
      for (let k = j; k < width; k++) {
        const ik = idx[k]!;
        const add = qv * val[k]!;
        // A pair j < k counts for (a, b) and (b, a): one upper cell, mirrored below after the
        // loop, except when both entries hit the same weight (a diagonal cell takes both).
        if (ij < ik) h[ij * dim + ik]! += add;
        else if (ij > ik) h[ik * dim + ij]! += add;
        else h[ij * dim + ij]! += k === j ? add : 2 * add;
      }
    }
  }
  for (let i = 0; i < dim; i++) for (let k = 0; k < i; k++) h[i * dim + k] = h[k * dim + i]!;
  // Feature 0 is the intercept: not shrunk.
  for (let i = 1; i < dim; i++) {
    h[i * dim + i]! += lambda;
    g[i]! += lambda * w[i]!;
  }
  h[0]! += 1e-9;
  return { h, g };
}

function inverse(h: Float64Array, dim: number): Float64Array {
  const inv = new Float64Array(dim * dim);
  for (let c = 0; c < dim; c++) {
    const e = new Float64Array(dim);
    e[c] = 1;
    const col = choleskySolve(Float64Array.from(h), e, dim);
    for (let r = 0; r < dim; r++) inv[r * dim + c] = col[r]!;
  }
  return inv;
}

/** Fits the weights; `lambda` is the L2 penalty on every weight but the intercept. */
export function fitLogistic(rows: SparseRows, lambda = 1, maxIterations = 25): LogisticModel {
  const w = new Float64Array(rows.dim);
  let iterations = 0;
  let last = new Float64Array(0);
  for (; iterations < maxIterations; iterations++) {
    const { h, g } = hessian(rows, w, lambda);
    last = Float64Array.from(h);
    const step = choleskySolve(h, g, rows.dim);
    let size = 0;
    for (let i = 0; i < rows.dim; i++) {
      w[i]! -= step[i]!;
      size = Math.max(size, Math.abs(step[i]!));
    }
    if (size < 1e-6) break;
  }
  // The Hessian of the last step: that step moved the weights by less than 1e-6.
  return { weights: w, covariance: inverse(last, rows.dim), iterations: iterations + 1 };
}

/** The probability for one row and its central 95 % interval (on the logit scale, mapped back). */
export function predictLogistic(
  model: LogisticModel,
  index: ArrayLike<number>,
  value: ArrayLike<number>,
): { probability: number; interval: [number, number] } {
  const z = linear(model.weights, index, value);
  const dim = model.weights.length;
  let variance = 0;
  for (let a = 0; a < index.length; a++)
    for (let b = 0; b < index.length; b++)
      variance += value[a]! * value[b]! * model.covariance[index[a]! * dim + index[b]!]!;
  const sd = Math.sqrt(Math.max(variance, 0));
  return { probability: sigmoid(z), interval: [sigmoid(z - 1.96 * sd), sigmoid(z + 1.96 * sd)] };
}
