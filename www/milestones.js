// The film strip's steps: the steps at which the page keeps a snapshot of G's grid. Pure,
// so the engine (which marks a report's milestone, in the worker) and the strip
// (www/grid.js) read the same rule.

/** Snapshot steps: 0, 100, 500, then 1-2-5 from 1,000 on (1k, 2k, 5k, 10k, 20k…). */
export function nextMilestone(step) {
  if (step < 100) return 100;
  if (step < 500) return 500;
  let decade = 1000;
  for (;;) {
    for (const m of [1, 2, 5]) if (step < m * decade) return m * decade;
    decade *= 10;
  }
}

/** Whether `step` is one of the snapshot steps. */
export const isMilestone = (step) => step === 0 || nextMilestone(step - 1) === step;
