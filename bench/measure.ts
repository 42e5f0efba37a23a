/**
 * Timing for the benchmarks: bounded warm-up, then several timed rounds; the median
 * round gives the figure, so one noisy round (the machine is shared) does not.
 *
 * @module
 */

/** How long to measure. */
export interface MeasureOptions {
  /** Milliseconds of warm-up before timing (default 150). */
  warmupMs?: number;
  /** Milliseconds per timed round (default 200). */
  roundMs?: number;
  /** Number of timed rounds (default 5). */
  rounds?: number;
}

/** A measurement: operations per second (median round) and every round's figure. */
export interface Measurement {
  /** Operations per second: the median round ({@linkcode measure}) or the best
   * ({@linkcode measureInterleaved}). */
  opsPerSecond: number;
  /** Nanoseconds per operation at that figure. */
  nsPerOp: number;
  /** Operations per second of each round. */
  rounds: number[];
}

/** Hard cap on calls per round, whatever the clock says, so a loop is always bounded. */
const MAX_CALLS_PER_ROUND = 10_000_000;

/** Keeps results alive so the JIT cannot drop the work that produced them. */
export let sink = 0;

/**
 * Times `run`, which performs `opsPerCall` operations per call and returns a number that
 * is kept (e.g. a hit count).
 */
export function measure(
  run: () => number,
  opsPerCall: number,
  options: MeasureOptions = {},
): Measurement {
  const { warmupMs = 150, roundMs = 200, rounds = 5 } = options;
  const until = (ms: number): [number, number] => {
    const start = performance.now();
    let calls = 0;
    let elapsed = 0;
    do {
      sink = (sink + run()) | 0;
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < ms && calls < MAX_CALLS_PER_ROUND);
    return [calls, elapsed];
  };
  until(warmupMs);
  const figures: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const [calls, elapsed] = until(roundMs);
    figures.push((calls * opsPerCall) / (elapsed / 1000));
  }
  const sorted = [...figures].sort((a, b) => a - b);
  const opsPerSecond = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return { opsPerSecond, nsPerOp: 1e9 / opsPerSecond, rounds: figures };
}

/** One contender of {@linkcode measureInterleaved}. */
export interface Contender {
  /** Performs `opsPerCall` operations; returns a number that is kept. */
  run: () => number;
  /** Operations per call. */
  opsPerCall: number;
}

/**
 * Times several contenders in turns (one round each, then again), so that load from
 * elsewhere on a shared machine hits them alike, and keeps each one's best round: the
 * figure least disturbed by other processes.
 */
export function measureInterleaved(
  contenders: readonly Contender[],
  options: MeasureOptions = {},
): Measurement[] {
  const { warmupMs = 150, roundMs = 200, rounds = 5 } = options;
  const timed = ({ run, opsPerCall }: Contender, ms: number): number => {
    const start = performance.now();
    let calls = 0;
    let elapsed = 0;
    do {
      sink = (sink + run()) | 0;
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < ms && calls < MAX_CALLS_PER_ROUND);
    return (calls * opsPerCall) / (elapsed / 1000);
  };
  for (const c of contenders) timed(c, warmupMs);
  const figures = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach((c, i) => figures[i]!.push(timed(c, roundMs)));
  }
  return figures.map((f) => {
    const best = Math.max(...f);
    return { opsPerSecond: best, nsPerOp: 1e9 / best, rounds: f };
  });
}

/** Formats operations per second as `5.12M` / `830k`. */
export function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)}M`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)}k`;
  return opsPerSecond.toFixed(0);
}

/** Renders a markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** One contender of {@linkcode measureInterleavedAsync}. */
export interface AsyncContender {
  /** Performs `opsPerCall` operations; resolves to a number that is kept. */
  run: () => Promise<number>;
  /** Operations per call. */
  opsPerCall: number;
}

/** {@linkcode measureInterleaved} for async contenders. */
export async function measureInterleavedAsync(
  contenders: readonly AsyncContender[],
  options: MeasureOptions = {},
): Promise<Measurement[]> {
  const { warmupMs = 150, roundMs = 200, rounds = 5 } = options;
  const timed = async ({ run, opsPerCall }: AsyncContender, ms: number): Promise<number> => {
    const start = performance.now();
    let calls = 0;
    let elapsed = 0;
    do {
      sink = (sink + await run()) | 0;
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < ms && calls < MAX_CALLS_PER_ROUND);
    return (calls * opsPerCall) / (elapsed / 1000);
  };
  for (const c of contenders) await timed(c, warmupMs);
  const figures = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      figures[i]!.push(await timed(contenders[i]!, roundMs));
    }
  }
  return figures.map((f) => {
    const best = Math.max(...f);
    return { opsPerSecond: best, nsPerOp: 1e9 / best, rounds: f };
  });
}
